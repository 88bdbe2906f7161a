"""Amazon MWAA: a DAG bucket, an execution role and an `aws_mwaa_environment` per tier."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from tierform.config.airflow_flavor import FlavorSpec
from tierform.config.base import Identifier, Spec
from tierform.config.dag_target import DagTarget
from tierform.config.error_format import shorten
from tierform.config.repo_paths import syntax_checked

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

# CreateEnvironment: a letter, then letters, digits, '-' and '_'; 1-80 characters.
MWAA_NAME = re.compile(r"^[A-Za-z][0-9A-Za-z_-]{0,79}$")
# IAM: role names are at most 64 characters (IAM and AWS STS quotas).
IAM_ROLE_NAME_LIMIT = 64

_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


def execution_role_name(environment_name: str) -> str:
    """The name of the environment's execution role (constructs/airflow/mwaa_role.py)."""
    return f"{environment_name}-execution"


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


class PluginsSpec(Spec):
    """plugins.zip for MWAA: a file of the repository that Terraform uploads as a versioned
    object (`aws_s3_object.airflow_plugins`, key plugins.zip); its version id pins the
    environment, so a plugins change is a reviewed plan change."""

    path: str = Field(min_length=1)

    @field_validator("path")
    @classmethod
    def _relative(cls, path: str) -> str:
        path = syntax_checked(path)
        if not path.endswith(".zip"):
            raise ValueError(f"{shorten(path)}: MWAA installs plugins from a .zip file")
        return path


SECRETS_BACKEND = "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend"
_SECRETS_OPTIONS = ("secrets.backend", "secrets.backend_kwargs")


class MwaaSecretsSpec(Spec):
    """Workers read connections (the warehouse credentials) and variables from AWS Secrets
    Manager under `<prefix>/connections/<conn id>` and `<prefix>/variables/<name>`; the
    execution role may read that prefix only. Default prefix: `tierform/<environment>`.
    Terraform never holds a value: CD puts it (README, "MWAA requirements and secrets")."""

    enabled: bool = True
    prefix: str | None = Field(default=None, pattern=r"^[A-Za-z0-9/_+=.@-]+$")
    # The Airflow connection the dbt tasks take the Snowflake credentials from.
    snowflake_connection_id: str = Field(default="snowflake_default", pattern=r"^[A-Za-z0-9_.-]+$")


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
    # requirements.txt: release.dags.requirements (config/platform.yaml), shipped with the DAGs
    plugins: PluginsSpec | None = None
    secrets: MwaaSecretsSpec = Field(default_factory=MwaaSecretsSpec)
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

    @model_validator(mode="before")
    @classmethod
    def _moved_requirements(cls, data: Any) -> Any:
        if isinstance(data, dict) and "requirements" in data:
            raise PydanticCustomError(
                "field_error",
                "the DAGs' requirements are a file of the repository now: set "
                "release.dags.requirements in config/platform.yaml (Terraform uploads it and "
                "pins its version)",
                {"field": "requirements"},
            )
        return data

    @model_validator(mode="after")
    def _secrets_options(self) -> MwaaAirflowSpec:
        taken = [k for k in _SECRETS_OPTIONS if k in self.airflow_configuration_options]
        if taken and self.secrets.enabled:
            raise ValueError(
                f"airflow_configuration_options.{taken[0]} is set by Tierform from "
                "airflow.secrets; set airflow.secrets.enabled: false to configure your own"
            )
        return self

    def secrets_prefix(self, tier: str) -> str:
        return self.secrets.prefix or f"tierform/{self.environment_name(tier)}"

    def configuration_options(self, tier: str) -> dict[str, str]:
        """airflow_configuration_options with the Secrets Manager backend of this tier."""
        options = dict(self.airflow_configuration_options)
        if self.secrets.enabled:
            prefix = self.secrets_prefix(tier)
            options["secrets.backend"] = SECRETS_BACKEND
            options["secrets.backend_kwargs"] = json.dumps(
                {
                    "connections_prefix": f"{prefix}/connections",
                    "variables_prefix": f"{prefix}/variables",
                },
                sort_keys=True,
            )
        return options

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
    def airflow_major(self) -> int:
        return int(self.airflow_version.split(".")[0])

    def execution_role_name(self, tier: str) -> str:
        return execution_role_name(self.environment_name(tier))

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
            connection_id=self.secrets.snowflake_connection_id if self.secrets.enabled else None,
        )
