"""Snowflake checks (checkov ships none). Attribute names are those of the Snowflake
provider 2.11 as they appear in cdk.tf.json."""

from __future__ import annotations

from typing import Any

from tierform_checklib import CheckCategories, InstanceCheck, is_reference, limit
from tierform_data_stores import PROTECTED_DATA_STORES

ADMIN_ROLES = {"ACCOUNTADMIN", "SECURITYADMIN", "ORGADMIN"}


def _role(value: Any) -> str:
    return str(value or "").strip().strip('"').upper()


def _true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


class WarehouseAutoSuspend(InstanceCheck):
    ID = "CKV_TF_SF_001"
    NAME = "Snowflake warehouse auto_suspend is set and within the tier's limit"
    CATEGORY = CheckCategories.GENERAL_SECURITY
    RESOURCES = ("snowflake_warehouse",)

    def problems(self, block, tier):
        value = block.get("auto_suspend")
        most = limit("snowflake_auto_suspend_max_seconds", tier["kind"])
        if value is None:
            return [
                f"auto_suspend is not set (a {tier['kind']} warehouse must suspend within {most} s)"
            ]
        if is_reference(value):
            return [f"auto_suspend is {value!r}, not a literal: cannot verify"]
        seconds = int(value)
        if seconds <= 0:
            return [f"auto_suspend is {seconds}: the warehouse never suspends"]
        if seconds > most:
            return [f"auto_suspend is {seconds} s, above the {tier['kind']} limit of {most} s"]
        return []


class WarehouseUnderMonitor(InstanceCheck):
    ID = "CKV_TF_SF_002"
    NAME = "Every prod Snowflake warehouse is under a resource monitor"
    RESOURCES = ("snowflake_warehouse",)

    def applies(self, tier):
        return tier["kind"] == "prod"

    def problems(self, block, tier):
        if not block.get("resource_monitor"):
            return ["no resource_monitor: a prod warehouse could spend without limit"]
        return []


class DatabaseTimeTravel(InstanceCheck):
    ID = "CKV_TF_SF_003"
    NAME = "Protected Snowflake databases keep Time Travel (data_retention_time_in_days >= 1)"
    RESOURCES = ("snowflake_database",)

    def applies(self, tier):
        return bool(tier.get("protected"))

    def problems(self, block, tier):
        days = block.get("data_retention_time_in_days")
        if days is None:
            return []  # the account default (1 day) applies
        if is_reference(days):
            return [f"data_retention_time_in_days is {days!r}, not a literal: cannot verify"]
        if int(days) < 1:
            return [f"data_retention_time_in_days is {days}: no Time Travel to recover from"]
        return []


class DataStorePreventDestroy(InstanceCheck):
    # Every protected data store, not only Snowflake's (the ID predates that; suppressions
    # name it): the same type list as the guardrail and the plan guard.
    ID = "CKV_TF_SF_004"
    NAME = "Protected data stores carry lifecycle.prevent_destroy"
    RESOURCES = tuple(PROTECTED_DATA_STORES)

    def applies(self, tier):
        return bool(tier.get("protected"))

    def problems(self, block, tier):
        lifecycle = block.get("lifecycle") or {}
        if not _true(lifecycle.get("prevent_destroy")):
            return ["lifecycle.prevent_destroy is not true in a protected tier"]
        return []


class NoUserPassword(InstanceCheck):
    ID = "CKV_TF_SF_005"
    NAME = "No Snowflake user is given a password"
    RESOURCES = ("snowflake_user", "snowflake_legacy_service_user", "snowflake_service_user")

    def problems(self, block, tier):
        if block.get("password"):
            return ["sets a password (use SSO for people, key-pair for services)"]
        return []


class ServiceUserKeyPair(InstanceCheck):
    ID = "CKV_TF_SF_006"
    NAME = "Snowflake service users authenticate with a key pair only"
    RESOURCES = ("snowflake_service_user", "snowflake_legacy_service_user")

    def problems(self, block, tier):
        found = []
        if not block.get("rsa_public_key") and not block.get("rsa_public_key_2"):
            found.append("no rsa_public_key: the service user cannot use key-pair auth")
        if block.get("password"):
            found.append("has a password: service users use key-pair only")
        return found


class NoAdminRoleGrant(InstanceCheck):
    ID = "CKV_TF_SF_007"
    NAME = "ACCOUNTADMIN, SECURITYADMIN and ORGADMIN are not granted to users or functional roles"
    RESOURCES = ("snowflake_grant_account_role",)

    def problems(self, block, tier):
        role = _role(block.get("role_name"))
        if role not in ADMIN_ROLES:
            return []
        if block.get("user_name"):
            return [f"grants {role} to user {block['user_name']}"]
        parent = _role(block.get("parent_role_name"))
        # The system hierarchy (SECURITYADMIN → ACCOUNTADMIN) is Snowflake's own; anything
        # else receiving an admin role is a functional role holding too much.
        if parent and parent not in ADMIN_ROLES:
            return [f"grants {role} to role {parent}"]
        return []


class NoGrantOption(InstanceCheck):
    ID = "CKV_TF_SF_008"
    NAME = "Privileges are not granted WITH GRANT OPTION to functional or access roles"
    RESOURCES = (
        "snowflake_grant_privileges_to_account_role",
        "snowflake_grant_privileges_to_database_role",
    )

    def problems(self, block, tier):
        if _true(block.get("with_grant_option")):
            target = block.get("account_role_name") or block.get("database_role_name")
            return [
                f"with_grant_option on a grant to {target}: access is managed here, not re-granted"
            ]
        return []


for _check in (
    WarehouseAutoSuspend,
    WarehouseUnderMonitor,
    DatabaseTimeTravel,
    DataStorePreventDestroy,
    NoUserPassword,
    ServiceUserKeyPair,
    NoAdminRoleGrant,
    NoGrantOption,
):
    _check()
