"""Amazon MWAA: a DAG bucket, an execution role and an `aws_mwaa_environment` per tier."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator

from tierform.config.airflow_flavor import FlavorSpec
from tierform.config.base import Identifier, Spec
from tierform.config.dag_target import DagTarget
from tierform.config.error_format import shorten

# Airflow versions MWAA creates environments with (docs.aws.amazon.com/mwaa, airflow-versions;
# 2.4.3–2.6.3 reached end of support on 2025-12-30). Extend when AWS adds one: an unknown
# version would otherwise fail only at apply time, half an hour into an environment update.
MWAA_AIRFLOW_VERSIONS = ("2.7.2", "2.8.1", "2.9.2", "2.10.1", "2.10.3", "2.11.0", "3.0.6")
MwaaEnvironmentClass = Literal[
    "mw1.micro", "mw1.small", "mw1.medium", "mw1.large", "mw1.xlarge", "mw1.2xlarge"
]
LogLevel = Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"]

# The publisher (boto3) takes credentials from its default chain; any of these may be set.
AWS_CREDENTIAL_ENV = (
    "AWS_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
)

_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


def quoted_version(value: Any) -> Any:
    """YAML reads `3.0` as a number: say to quote it rather than "expected a string"."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(f'{shorten(value)} was read as a number; quote the version, e.g. "3.0.6"')
    return value


def _check_mwaa_version(value: str) -> str:
    if not _VERSION.fullmatch(value):
        raise ValueError(
            f"{shorten(value)} is not a valid Airflow version (expected MAJOR.MINOR.PATCH, e.g. 3.0.6)"
        )
    if value not in MWAA_AIRFLOW_VERSIONS:
        raise ValueError(
            f"MWAA does not run Airflow {value} (supported: {', '.join(MWAA_AIRFLOW_VERSIONS)})"
        )
    return value


def _prefixed(prefix: str, what: str):
    pattern = re.compile(rf"^{prefix}-[0-9a-f]{{8,17}}$")

    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"{shorten(value)} is not a {what} id (expected {prefix}-<hex>)")
        return value

    return check


class MwaaNetworkSpec(Spec):
    """MWAA runs in your VPC: two private subnets in different availability zones."""

    subnet_ids: list[str] = Field(min_length=2, max_length=2)
    security_group_ids: list[str] = Field(min_length=1, max_length=5)

    @field_validator("subnet_ids")
    @classmethod
    def _subnets(cls, ids: list[str]) -> list[str]:
        check = _prefixed("subnet", "subnet")
        for value in ids:
            check(value)
        if len(set(ids)) != len(ids):
            raise ValueError("the two subnets must differ (one per availability zone)")
        return ids

    @field_validator("security_group_ids")
    @classmethod
    def _groups(cls, ids: list[str]) -> list[str]:
        check = _prefixed("sg", "security group")
        for value in ids:
            check(value)
        return ids


class S3ObjectSpec(Spec):
    """An object in the DAG bucket MWAA installs from (requirements.txt, plugins.zip).

    Pin `object_version` (the S3 version id) so an upload alone never changes a running
    environment: the change goes through review and `cdktf deploy` like any other.
    """

    path: str = Field(min_length=1)
    object_version: str | None = None

    @field_validator("path")
    @classmethod
    def _relative(cls, path: str) -> str:
        if path.startswith("/") or path.startswith("s3://"):
            raise ValueError(
                f"{shorten(path)}: give the key inside the DAG bucket, e.g. requirements.txt"
            )
        return path


class AccessLogsSpec(Spec):
    """Server access logs of the DAG bucket go to an existing log bucket."""

    bucket: str = Field(min_length=3, max_length=63)
    prefix: str = "s3-access/"


class MwaaAirflowSpec(FlavorSpec):
    flavor_name = "mwaa"

    flavor: Literal["mwaa"]
    region: str
    # Logical name; the environment and its bucket are named by the tier's naming rule,
    # lower-case with hyphens: AIRFLOW → airflow-prod ({name}_{TIER}).
    name: Identifier = "AIRFLOW"
    airflow_version: Annotated[str, BeforeValidator(quoted_version)]
    environment_class: MwaaEnvironmentClass = "mw1.small"
    min_workers: int = Field(default=1, ge=1, le=25)
    max_workers: int = Field(default=2, ge=1, le=25)
    # Default: 2 (1 on mw1.micro).
    schedulers: int | None = Field(default=None, ge=1, le=5)
    network: MwaaNetworkSpec
    # private: the web server is reachable only from inside the VPC (the default).
    webserver_access: Literal["private", "public"] = "private"
    dags_prefix: str = "dags"
    requirements: S3ObjectSpec | None = None
    plugins: S3ObjectSpec | None = None
    log_level: LogLevel = "INFO"
    # Full bucket name, when the naming rule's does not suit (S3 names are global).
    bucket: str | None = Field(default=None, min_length=3, max_length=63)
    # Customer-managed KMS key for the bucket and the environment; default: AWS-managed keys.
    kms_key_arn: str | None = None
    access_logs: AccessLogsSpec | None = None
    # Old versions of replaced DAG files are kept this long (the bucket is versioned).
    noncurrent_version_days: int = Field(default=90, ge=1)
    airflow_configuration_options: dict[str, str] = Field(default_factory=dict)
    # e.g. "SUN:03:00" (UTC)
    weekly_maintenance_window_start: str | None = Field(
        default=None, pattern=r"^(MON|TUE|WED|THU|FRI|SAT|SUN):([01]\d|2[0-3]):(00|30)$"
    )
    tags: dict[str, str] = Field(default_factory=dict)

    @field_validator("airflow_version")
    @classmethod
    def _version(cls, value: str) -> str:
        return _check_mwaa_version(value)

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not _REGION.fullmatch(value):
            raise ValueError(f"{shorten(value)} is not an AWS region (e.g. eu-west-1)")
        return value

    @field_validator("dags_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not value or value != value.strip("/"):
            raise ValueError(
                f"{shorten(value)}: a folder name without leading or trailing '/', e.g. dags"
            )
        return value

    @field_validator("kms_key_arn")
    @classmethod
    def _kms(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("arn:aws"):
            raise ValueError(
                f"{shorten(value)} is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/…)"
            )
        return value

    def environment_name(self, tier: str) -> str:
        return self.physical_name(self.name, tier)

    def bucket_name(self, tier: str) -> str:
        return self.bucket or self.environment_name(tier)

    @property
    def scheduler_count(self) -> int:
        if self.schedulers is not None:
            return self.schedulers
        return 1 if self.environment_class == "mw1.micro" else 2

    def dag_target(self, tier: str) -> DagTarget:
        name = self.environment_name(tier)
        return DagTarget(
            kind="s3",
            location=f"s3://{self.bucket_name(tier)}/{self.dags_prefix}",
            environment_name=name,
            # The web server URL exists only after creation (stack output
            # `airflow_webserver_url`); the console page is known from config.
            environment_url=(
                f"https://{self.region}.console.aws.amazon.com/mwaa/home"
                f"?region={self.region}#environments/{name}"
            ),
            credential_env=AWS_CREDENTIAL_ENV,
        )
