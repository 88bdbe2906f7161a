"""Job-level settings beyond the cluster and tasks: timeout, job parameters, e-mail and
webhook notifications, notification settings and the run-duration health rule.

`settings_item(job)` is the job's share of the for_each map; `settings_blocks(jobs)` the
`dynamic` blocks that render it — only the blocks some job of the stack uses, so a stack
that uses none synthesizes exactly as before.
"""

from __future__ import annotations

from typing import Any

from tierform.config.databricks import JobSpec
from tierform.constructs.databricks.bindings import (
    JobEmailNotifications,
    JobHealth,
    JobHealthRules,
    JobNotificationSettings,
    JobParameter,
    JobWebhookNotifications,
    JobWebhookNotificationsOnDurationWarningThresholdExceeded,
    JobWebhookNotificationsOnFailure,
    JobWebhookNotificationsOnStart,
    JobWebhookNotificationsOnSuccess,
)
from tierform.constructs.databricks.dynamic import dynamic

# Our event names → the provider's attribute names (and the webhook id block classes).
EVENTS = {
    "on_failure": ("on_failure", JobWebhookNotificationsOnFailure),
    "on_success": ("on_success", JobWebhookNotificationsOnSuccess),
    "on_start": ("on_start", JobWebhookNotificationsOnStart),
    "on_duration_warning": (
        "on_duration_warning_threshold_exceeded",
        JobWebhookNotificationsOnDurationWarningThresholdExceeded,
    ),
}


def _features(jobs: dict[str, JobSpec]) -> set[str]:
    found = set()
    for job in jobs.values():
        if job.parameters:
            found.add("parameter")
        if job.warn_after_seconds is not None:
            found.add("health")
        if job.notifications is not None:
            found.add("notification_settings")
            n = job.notifications
            if any(getattr(n, e).emails for e in EVENTS):
                found.add("email_notifications")
            if any(getattr(n, e).webhooks for e in EVENTS):
                found.add("webhook_notifications")
    return found


def uses_timeout(jobs: dict[str, JobSpec]) -> bool:
    return any(job.timeout_seconds for job in jobs.values())


def settings_item(job: JobSpec, jobs: dict[str, JobSpec]) -> dict[str, Any]:
    """The job's settings as for_each data: every key the stack's blocks read, on every job."""
    features = _features(jobs)
    item: dict[str, Any] = {}
    if uses_timeout(jobs):
        item["timeout_seconds"] = job.timeout_seconds
    n = job.notifications
    if "parameter" in features:
        item["parameters"] = [{"name": k, "default": v} for k, v in sorted(job.parameters.items())]
    if "health" in features:
        item["health"] = (
            [{"value": job.warn_after_seconds}] if job.warn_after_seconds is not None else []
        )
    if "notification_settings" in features:
        item["notification_settings"] = (
            [
                {
                    "no_alert_for_skipped_runs": n.no_alert_for_skipped_runs,
                    "no_alert_for_canceled_runs": n.no_alert_for_canceled_runs,
                }
            ]
            if n is not None
            else []
        )
    if "email_notifications" in features:
        emails = {attr: list(getattr(n, e).emails) for e, (attr, _) in EVENTS.items()} if n else {}
        item["email"] = [emails] if any(emails.values()) else []
    if "webhook_notifications" in features:
        hooks = (
            {attr: [{"id": i} for i in getattr(n, e).webhooks] for e, (attr, _) in EVENTS.items()}
            if n
            else {}
        )
        item["webhook"] = [hooks] if any(hooks.values()) else []
    return item


def settings_blocks(jobs: dict[str, JobSpec]) -> dict[str, dict[str, Any]]:
    features = _features(jobs)
    blocks: dict[str, dict[str, Any]] = {}
    if "parameter" in features:
        blocks["parameter"] = dynamic(
            JobParameter,
            for_each="${each.value.parameters}",
            iterator="param",
            content={"name": "${param.value.name}", "default": "${param.value.default}"},
        )
    if "health" in features:
        blocks["health"] = dynamic(
            JobHealth,
            for_each="${each.value.health}",
            iterator="health",
            content={
                "rules": [
                    _checked(
                        JobHealthRules,
                        {
                            "metric": "RUN_DURATION_SECONDS",
                            "op": "GREATER_THAN",
                            "value": "${health.value.value}",
                        },
                    )
                ]
            },
        )
    if "notification_settings" in features:
        blocks["notification_settings"] = dynamic(
            JobNotificationSettings,
            for_each="${each.value.notification_settings}",
            iterator="ns",
            content={
                "no_alert_for_skipped_runs": "${ns.value.no_alert_for_skipped_runs}",
                "no_alert_for_canceled_runs": "${ns.value.no_alert_for_canceled_runs}",
            },
        )
    if "email_notifications" in features:
        blocks["email_notifications"] = dynamic(
            JobEmailNotifications,
            for_each="${each.value.email}",
            iterator="email",
            content={attr: f"${{email.value.{attr}}}" for attr, _ in EVENTS.values()},
        )
    if "webhook_notifications" in features:
        blocks["webhook_notifications"] = dynamic(
            JobWebhookNotifications,
            for_each="${each.value.webhook}",
            iterator="webhook",
            content={
                "dynamic": {
                    attr: dynamic(
                        cls,
                        for_each=f"${{webhook.value.{attr}}}",
                        iterator=f"hook_{attr}",
                        content={"id": f"${{hook_{attr}.value.id}}"},
                    )
                    for attr, cls in EVENTS.values()
                }
            },
        )
    return blocks


def _checked(struct: type, content: dict[str, Any]) -> dict[str, Any]:
    """A static nested block's fields, checked against the provider's struct."""
    dynamic(struct, for_each="", iterator="x", content=content)
    return content
