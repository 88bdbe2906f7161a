"""dbt Cloud checks (dbt-labs/dbtcloud): credentials only by reference, deploy jobs started
only by the release, CI jobs deferring to a deployment environment."""

from __future__ import annotations

from typing import Any

from tierform_checklib import CheckCategories, InstanceCheck, is_reference
from tierform_dbt_cloud_secrets import (
    CONNECTION_SECRETS,
    CREDENTIAL_SECRETS,
    DATABRICKS_TOKEN_PLACEHOLDER,
)

_WEBHOOKS = ("github_webhook", "git_provider_webhook")


def _true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _listed(value: Any) -> list[str]:
    # checkov unwraps one-element lists: ["token"] arrives as "token".
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


class DbtCloudSecretsByReference(InstanceCheck):
    ID = "CKV_TF_DBTC_001"
    NAME = "dbt Cloud credentials and connections hold no secret set from Terraform"
    CATEGORY = CheckCategories.SECRETS
    RESOURCES = (*CREDENTIAL_SECRETS, "dbtcloud_global_connection")

    def problems(self, block, tier):
        if self.resource_type not in CREDENTIAL_SECRETS:
            return _connection_problems(block)
        secrets = CREDENTIAL_SECRETS[self.resource_type]
        found = []
        for attribute in secrets:
            value = block.get(attribute)
            # the marker only where the provider requires the attribute (Databricks token)
            if value in (None, "") or (
                attribute == "token" and value == DATABRICKS_TOKEN_PLACEHOLDER
            ):
                continue
            how = "a reference" if is_reference(value) else "a literal"
            found.append(
                f"{attribute} is set from Terraform ({how}): the value lands in state; leave "
                "it unset and let the release step set it through dbt Cloud's API"
            )
        ignored = _listed((block.get("lifecycle") or {}).get("ignore_changes"))
        if "all" not in ignored:
            missing = [a for a in secrets if a not in ignored]
            if missing:
                found.append(
                    f"lifecycle.ignore_changes misses {', '.join(missing)}: Terraform would "
                    "overwrite the secret the release step set"
                )
        return found

    def scan_resource_conf(self, conf):
        # `<file>:<type>:<name>` (as the coverage probe reads it): the secrets differ by type.
        self.resource_type = self.entity_path.rsplit(":", 2)[-2]
        return super().scan_resource_conf(conf)


def _connection_problems(block: dict[str, Any]) -> list[str]:
    found = []
    for warehouse, secrets in CONNECTION_SECRETS.items():
        settings = block.get(warehouse)
        if not isinstance(settings, dict):
            continue
        for attribute in secrets:
            if settings.get(attribute) not in (None, ""):
                found.append(
                    f"{warehouse}.{attribute} is set from Terraform: the value lands in state"
                )
    return found


def _triggers(block: dict[str, Any]) -> dict[str, Any]:
    triggers = block.get("triggers")
    return triggers if isinstance(triggers, dict) else {}


class DeployJobNotWebhookTriggered(InstanceCheck):
    ID = "CKV_TF_DBTC_002"
    NAME = "dbt Cloud deploy jobs start only from the release, not from git events"
    CATEGORY = CheckCategories.GENERAL_SECURITY
    RESOURCES = ("dbtcloud_job",)

    def problems(self, block, tier):
        if str(block.get("job_type", "")).lower() == "ci":
            return []
        triggers = _triggers(block)
        on = [name for name in (*_WEBHOOKS, "on_merge") if _true(triggers.get(name))]
        if not on:
            return []
        return [
            f"triggers.{', triggers.'.join(on)} on a deploy job: a git event would build the "
            "tier outside its reviewed release (Tierform triggers deploy jobs for the commit "
            "it deploys); a pull-request job must be job_type ci"
        ]


class CiJobDefers(InstanceCheck):
    ID = "CKV_TF_DBTC_003"
    NAME = "dbt Cloud CI jobs defer to a deployment environment"
    CATEGORY = CheckCategories.CONVENTION
    RESOURCES = ("dbtcloud_job",)

    def problems(self, block, tier):
        triggers = _triggers(block)
        is_ci = str(block.get("job_type", "")).lower() == "ci" or any(
            _true(triggers.get(name)) for name in _WEBHOOKS
        )
        if not is_ci:
            return []
        found = []
        if block.get("deferring_environment_id") in (None, "", 0):
            found.append(
                "no deferring_environment_id: a CI job that defers to no environment builds "
                "every upstream model of the pull request from scratch"
            )
        if block.get("deferring_job_id") not in (None, ""):
            found.append("deferring_job_id is the legacy deferral: use deferring_environment_id")
        return found


DbtCloudSecretsByReference()
DeployJobNotWebhookTriggered()
CiJobDefers()
