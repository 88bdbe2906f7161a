"""Deeper Databricks job models: retries, timeouts, notifications, autoscaling, runtime
version, Python wheel and Spark Python tasks, job parameters.

JobSpec, TaskSpec and JobClusterSpec (databricks.py) use these types; the cross-field checks
(policy limits, files in the repository) are in databricks_checks.py.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator, model_validator

from tierform.config.base import Spec
from tierform.config.error_format import shorten

# Databricks Runtime keys as `databricks clusters spark-versions` lists them:
# 15.4.x-scala2.12, 15.4.x-photon-scala2.12, 14.3.x-cpu-ml-scala2.12, 16.4.x-gpu-ml-scala2.13.
_SPARK_VERSION = re.compile(r"[0-9]{1,2}\.[0-9]{1,2}\.x(?:-[a-z0-9]+)*-scala[0-9]+\.[0-9]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Notification destinations are workspace objects (Settings → Notifications), named by id.
_DESTINATION = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_PARAMETER = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_PYTHON_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
# A wheel the task installs: a Unity Catalog volume or workspace file (never DBFS root,
# which every user can overwrite).
_WHEEL = re.compile(r"/(?:Volumes|Workspace)/[^\s]+\.whl")


def _check_spark_version(value: str) -> str:
    if not _SPARK_VERSION.fullmatch(value):
        raise ValueError(
            f"{shorten(value)} is not a Databricks Runtime version key: expected e.g. "
            "15.4.x-scala2.12 or 15.4.x-photon-scala2.12 (`databricks clusters spark-versions`)"
        )
    return value


SparkVersion = Annotated[str, AfterValidator(_check_spark_version)]


def _check_email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError(f"{shorten(value)} is not an e-mail address")
    return value


def _check_destination(value: str) -> str:
    if not _DESTINATION.fullmatch(value):
        raise ValueError(
            f"{shorten(value)} is not a notification destination id (a lower-case UUID from "
            "Settings → Notifications, e.g. 0c5a6a3e-4b1f-4c1e-9d7a-3f2e1b0a9c8d)"
        )
    return value


def _check_parameter_name(value: str) -> str:
    if not _PARAMETER.fullmatch(value):
        raise ValueError(
            f"{shorten(value)} is not a parameter name: letters, digits, _ . -, "
            "starting with a letter or _"
        )
    return value


def _no_repeats(values: list[str]) -> list[str]:
    for value in values:
        if values.count(value) > 1:
            raise ValueError(f"{shorten(value)} is listed twice")
    return values


Email = Annotated[str, AfterValidator(_check_email)]
DestinationId = Annotated[str, AfterValidator(_check_destination)]
ParameterName = Annotated[str, AfterValidator(_check_parameter_name)]


class RetrySpec(Spec):
    """Per-task retries (Databricks' default: none). Bounded: -1 (retry forever) is not
    offered, a task that always fails would hold its cluster without end."""

    max_retries: int = Field(default=0, ge=0, le=10)
    min_interval_seconds: int = Field(default=0, ge=0, le=86_400)
    retry_on_timeout: bool = False


class RecipientsSpec(Spec):
    emails: list[Email] = Field(default_factory=list)
    # Ids of existing notification destinations (Slack, Teams, PagerDuty, webhooks).
    webhooks: list[DestinationId] = Field(default_factory=list)

    @field_validator("emails", "webhooks")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        return _no_repeats(values)


class NotificationsSpec(Spec):
    """Who hears about runs. On prod, a scheduled job must notify someone on failure
    (CKV_TF_DBX_006)."""

    on_failure: RecipientsSpec = Field(default_factory=RecipientsSpec)
    on_success: RecipientsSpec = Field(default_factory=RecipientsSpec)
    on_start: RecipientsSpec = Field(default_factory=RecipientsSpec)
    # Runs longer than the job's `warn_after_seconds` (a health rule).
    on_duration_warning: RecipientsSpec = Field(default_factory=RecipientsSpec)
    no_alert_for_skipped_runs: bool = True
    no_alert_for_canceled_runs: bool = False


class AutoscaleSpec(Spec):
    min_workers: int = Field(ge=1)
    max_workers: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> AutoscaleSpec:
        if self.min_workers > self.max_workers:
            raise ValueError(
                f"min_workers ({self.min_workers}) is more than max_workers ({self.max_workers})"
            )
        return self


class PythonWheelTaskSpec(Spec):
    """Run `entry_point` of an installed wheel. The wheel comes from `wheel` (a /Volumes or
    /Workspace path) or from PyPI (`package`, a requirement such as `helix-jobs==1.4.0`)."""

    package_name: str
    entry_point: str
    wheel: str | None = None
    package: str | None = Field(default=None, min_length=1)
    # Either positional `parameters` or `named_parameters` (--key=value), not both.
    parameters: list[str] = Field(default_factory=list)
    named_parameters: dict[ParameterName, str] = Field(default_factory=dict)

    @field_validator("package_name", "entry_point")
    @classmethod
    def _python_name(cls, value: str) -> str:
        if not _PYTHON_NAME.fullmatch(value):
            raise ValueError(f"{shorten(value)} is not a Python package or function name")
        return value

    @field_validator("wheel")
    @classmethod
    def _wheel_path(cls, value: str | None) -> str | None:
        if value is not None and not _WHEEL.fullmatch(value):
            raise ValueError(
                f"{shorten(value)} is not a wheel location: expected /Volumes/…/<name>.whl "
                "or /Workspace/…/<name>.whl"
            )
        return value

    @model_validator(mode="after")
    def _one_source(self) -> PythonWheelTaskSpec:
        if (self.wheel is None) == (self.package is None):
            raise ValueError("set exactly one of wheel (a .whl path) or package (from PyPI)")
        if self.parameters and self.named_parameters:
            raise ValueError("set parameters or named_parameters, not both")
        return self


class SparkPythonTaskSpec(Spec):
    """Run a Python file of the repository (`git_source`) with `spark-submit`-style args."""

    # Repository-relative path to a .py file (checked to exist).
    file: str = Field(min_length=1)
    parameters: list[str] = Field(default_factory=list)

    @field_validator("file")
    @classmethod
    def _python_file(cls, value: str) -> str:
        if not value.endswith(".py"):
            raise ValueError(f"{shorten(value)} is not a Python file (expected a .py path)")
        return value
