"""Databricks checks (checkov ships none). Attribute names are those of the Databricks
provider 1.99 as they appear in cdk.tf.json."""

from __future__ import annotations

import json
from typing import Any

from tierform_checklib import CheckCategories, InstanceCheck, is_reference, limit

BROAD_PRINCIPALS = {"account users", "users"}


def _policy_definition(block: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """The policy's rules as data, or (None, why not)."""
    raw = block.get("definition") or block.get("policy_family_definition_overrides")
    if raw is None:
        return None, "has no definition"
    if isinstance(raw, dict):
        return raw, None
    if is_reference(raw):
        return None, f"definition is an expression ({raw[:60]}…), not literal JSON: cannot verify"
    try:
        parsed = json.loads(raw)
    except (TypeError, ValueError):
        return None, "definition is not valid JSON"
    if not isinstance(parsed, dict):
        return None, "definition is not a JSON object"
    return parsed, None


class ClusterPolicyAutoTermination(InstanceCheck):
    ID = "CKV_TF_DBX_001"
    NAME = "Every Databricks cluster policy enforces auto-termination"
    CATEGORY = CheckCategories.GENERAL_SECURITY
    RESOURCES = ("databricks_cluster_policy",)

    def problems(self, block, tier):
        rules, why = _policy_definition(block)
        if rules is None:
            return [why]
        rule = rules.get("autotermination_minutes")
        if not isinstance(rule, dict):
            return ["autotermination_minutes is not constrained: clusters may run forever"]
        kind = rule.get("type")
        if kind == "fixed":
            if int(rule.get("value", 0)) <= 0:
                return ["autotermination_minutes is fixed to 0: clusters never terminate"]
            return []
        if kind == "range":
            if "maxValue" not in rule:
                return ["autotermination_minutes range has no maxValue"]
            if int(rule.get("minValue", 0)) < 1:
                return [
                    "autotermination_minutes range allows 0 (never terminate): set minValue >= 1"
                ]
            return []
        return [f"autotermination_minutes rule of type {kind!r} does not enforce termination"]


class SqlWarehouseAutoStop(InstanceCheck):
    ID = "CKV_TF_DBX_002"
    NAME = "Databricks SQL warehouses stop within the tier's limit"
    RESOURCES = ("databricks_sql_endpoint",)

    def problems(self, block, tier):
        most = limit("databricks_auto_stop_max_minutes", tier["kind"])
        value = block.get("auto_stop_mins")
        if value is None:
            return [
                f"auto_stop_mins is not set (provider default 120 min; {tier['kind']} limit {most} min)"
            ]
        if is_reference(value):
            return [f"auto_stop_mins is {value!r}, not a literal: cannot verify"]
        minutes = int(value)
        if minutes <= 0:
            return [f"auto_stop_mins is {minutes}: the warehouse never stops"]
        if minutes > most:
            return [f"auto_stop_mins is {minutes}, above the {tier['kind']} limit of {most} min"]
        return []


class ProdJobPinnedSource(InstanceCheck):
    ID = "CKV_TF_DBX_003"
    NAME = "Prod Databricks jobs run code from a git tag or commit, not a branch"
    RESOURCES = ("databricks_job",)

    def applies(self, tier):
        return tier["kind"] == "prod"

    def problems(self, block, tier):
        source = block.get("git_source")
        if not isinstance(source, dict):
            return ["no git_source: a prod job must run a pinned tag or commit"]
        if source.get("tag") or source.get("commit"):
            return []
        if source.get("branch"):
            return [f"git_source follows branch {source['branch']!r}: pin a tag or commit"]
        return ["git_source names no tag or commit"]


class ProdJobRunAsServicePrincipal(InstanceCheck):
    ID = "CKV_TF_DBX_004"
    NAME = "Prod Databricks jobs run as a service principal"
    RESOURCES = ("databricks_job",)

    def applies(self, tier):
        return tier["kind"] == "prod"

    def problems(self, block, tier):
        run_as = block.get("run_as")
        if isinstance(run_as, dict) and run_as.get("service_principal_name"):
            return []
        if isinstance(run_as, dict) and run_as.get("user_name"):
            return [f"runs as user {run_as['user_name']}: use a service principal"]
        return ["no run_as: the job runs as its owner, not a service principal"]


class NoAllPrivilegesToAccountUsers(InstanceCheck):
    ID = "CKV_TF_DBX_005"
    NAME = "No ALL_PRIVILEGES granted to all account users"
    RESOURCES = ("databricks_grants", "databricks_grant")

    def problems(self, block, tier):
        grants = block.get("grant")
        if grants is None:  # databricks_grant: one principal per resource
            grants = [block]
        if isinstance(grants, dict):
            grants = [grants]
        found = []
        for grant in grants:
            if not isinstance(grant, dict):
                continue
            principal = str(grant.get("principal", "")).strip().lower()
            privileges = grant.get("privileges") or []
            if isinstance(privileges, str):
                privileges = [privileges]
            if principal in BROAD_PRINCIPALS and "ALL_PRIVILEGES" in [
                str(p).upper() for p in privileges
            ]:
                found.append(f"grants ALL_PRIVILEGES to {grant.get('principal')!r}")
        return found


for _check in (
    ClusterPolicyAutoTermination,
    SqlWarehouseAutoStop,
    ProdJobPinnedSource,
    ProdJobRunAsServicePrincipal,
    NoAllPrivilegesToAccountUsers,
):
    _check()
