"""Databricks job checks for the deeper job models (retries, notifications). Attribute
names are those of the Databricks provider 1.99 as they appear in cdk.tf.json."""

from __future__ import annotations

from typing import Any

from tierform_checklib import CheckCategories, InstanceCheck, is_reference


def _blocks(value: Any) -> list[dict[str, Any]]:
    """A nested block as a list of dicts (one block reads as a dict after unwrapping)."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def _listed(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


class ProdScheduledJobNotifiesOnFailure(InstanceCheck):
    ID = "CKV_TF_DBX_006"
    NAME = "Scheduled prod Databricks jobs notify someone when a run fails"
    RESOURCES = ("databricks_job",)

    def applies(self, tier):
        return tier["kind"] == "prod"

    def problems(self, block, tier):
        schedules = _blocks(block.get("schedule"))
        running = [s for s in schedules if str(s.get("pause_status", "UNPAUSED")) != "PAUSED"]
        if not running:
            return []
        emails = [
            e
            for n in _blocks(block.get("email_notifications"))
            for e in _listed(n.get("on_failure"))
        ]
        hooks = [
            h
            for n in _blocks(block.get("webhook_notifications"))
            for h in _blocks(n.get("on_failure"))
        ]
        if emails or hooks:
            return []
        return [
            "runs on a schedule but notifies nobody on failure "
            "(notifications.on_failure: emails or webhooks)"
        ]


class NoEndlessRetries(InstanceCheck):
    ID = "CKV_TF_DBX_007"
    NAME = "No Databricks job or task retries without end (max_retries -1)"
    CATEGORY = CheckCategories.GENERAL_SECURITY
    RESOURCES = ("databricks_job",)

    def problems(self, block, tier):
        found = []
        for where, holder in [
            ("job", block),
            *[(f"task {t.get('task_key')!r}", t) for t in _blocks(block.get("task"))],
        ]:
            value = holder.get("max_retries")
            if value is None or is_reference(value):
                continue
            try:
                retries = int(value)
            except (TypeError, ValueError):
                continue
            if retries < 0:
                found.append(
                    f"{where} retries without end (max_retries {retries}): a failing run holds its cluster forever"
                )
        return found


for _check in (ProdScheduledJobNotifiesOnFailure, NoEndlessRetries):
    _check()
