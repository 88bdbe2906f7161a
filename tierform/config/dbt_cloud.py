"""dbt Cloud as a tier's dbt runner (`release.dbt.runner: dbt_cloud`): the config models.

Platform level (platform.yaml `release.dbt.cloud`): the account, its access URL and the one
dbt Cloud project every tier shares. The project and its Git repository connection are set
up once in dbt Cloud; Tierform manages, in each tier's stack, that tier's environment,
connection, credentials and jobs (tierform/constructs/dbtcloud/).

Tier level (`release.dbt.cloud` in a tier file): the environment's dbt version, which of
the tier's warehouses dbt Cloud connects to (names declared in the tier's own snowflake /
databricks sections, so account, database, warehouse and role are derived, not repeated),
the credentials (user and schema; the secret only by the name of the variable that holds
it), the deploy job and whether the tier has a CI job. Cross-field rules live in
dbt_cloud_checks.py; the resolved form is dbt_cloud_resolve.py.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator

from tierform.config.base import Identifier, Spec
from tierform.config.error_format import shorten

_HOST_URL = re.compile(r"^https://[A-Za-z0-9.-]+(?::[0-9]+)?/?$")
# dbt Cloud's version tracks (provider docs: `major.minor.0-latest`, `-pre`, or a track).
_DBT_VERSION = re.compile(
    r"^(?:latest|latest-fusion|compatible|extended|versionless|\d+\.\d+\.0-(?:latest|pre))$"
)
_ENV_NAME = r"^[A-Z_][A-Z0-9_]{0,127}$"
EnvName = Annotated[str, Field(pattern=_ENV_NAME)]

RUNNERS = ("dbt_core", "dbt_cloud")
Runner = Literal["dbt_core", "dbt_cloud"]


class DbtCloudPlatformSpec(Spec):
    """platform.yaml `release.dbt.cloud`."""

    account_id: int = Field(ge=1)
    # The account's access URL (Account settings → Access URLs), without /api.
    host_url: str = "https://cloud.getdbt.com"
    # The existing project (its repository connection is dbt Cloud's, set up once).
    project_id: int = Field(ge=1)
    # Where the project's repository lives, which decides the CI job's webhook trigger.
    git_provider: Literal["github", "gitlab", "azure_devops"] = "github"
    # The variable holding the API token (a service token) in every deploying job.
    token_env: EnvName = "DBT_CLOUD_TOKEN"
    # A triggered run that takes longer is cancelled and fails the release step.
    timeout_seconds: int = Field(default=3600, ge=60, le=86400)
    poll_seconds: float | int = Field(default=10.0, ge=1, le=300)

    @field_validator("host_url")
    @classmethod
    def _access_url(cls, value: str) -> str:
        if not _HOST_URL.fullmatch(value):
            raise ValueError(
                f"{shorten(value)} is not a dbt Cloud access URL: expected "
                "https://<host>, e.g. https://cloud.getdbt.com or https://ab123.us1.dbt.com "
                "(without /api)"
            )
        return value.rstrip("/")

    @property
    def api_url(self) -> str:
        """What the Terraform provider's `host_url` wants: the access URL plus /api."""
        return f"{self.host_url}/api"


class DbtCloudConnectionSpec(Spec):
    """Which of the tier's warehouses dbt Cloud connects to; `type` defaults to the one
    platform the tier has (snowflake or databricks)."""

    type: Literal["snowflake", "databricks"] | None = None
    # Snowflake: a database of snowflake.databases (default: the one the dbt service
    # user's role owns, when there is exactly one).
    database: Identifier | None = None
    # Snowflake: one of snowflake.warehouses (default: the dbt service user's);
    # Databricks: one of databricks.sql_warehouses (default: the only one).
    warehouse: Identifier | None = None
    # Snowflake: one of snowflake.roles (default: the dbt service user's role).
    role: Identifier | None = None


class DbtCloudCredentialsSpec(Spec):
    """Who dbt Cloud builds as. The secret is never in config nor in Terraform state: the
    release step sets it on the credential through dbt Cloud's API from `secret_env`."""

    # Snowflake: a service user of snowflake.service_users (default: release.dbt.service_user,
    # else DBT), authenticating with its key pair. Databricks: not used (a token).
    user: Identifier | None = None
    # The schema dbt builds into (dbt's `target.schema`): a declared schema of the
    # connection's Snowflake database, or of the tier's Databricks catalog.
    target_schema: Identifier
    # The variable holding the key (Snowflake, default SNOWFLAKE_<USER>_PRIVATE_KEY, the
    # same secret a dbt_core release uses) or the token (Databricks, required).
    secret_env: EnvName | None = None


def _dbt_commands(commands: list[str]) -> list[str]:
    for command in commands:
        if not command.startswith("dbt ") or "\n" in command:
            raise ValueError(
                f"{shorten(command)} is not a dbt command: each step is one line starting "
                "with `dbt ` (e.g. dbt build)"
            )
    return commands


class DbtCloudJobSpec(Spec):
    # The job's steps; each a dbt command (dbt Cloud runs them in order).
    commands: list[str] = Field(default_factory=lambda: ["dbt build"], min_length=1)
    threads: int = Field(default=4, ge=1, le=64)
    generate_docs: bool = False

    @field_validator("commands")
    @classmethod
    def _commands(cls, commands: list[str]) -> list[str]:
        return _dbt_commands(commands)


class DbtCloudCiJobSpec(DbtCloudJobSpec):
    commands: list[str] = Field(
        default_factory=lambda: ["dbt build --select state:modified+"], min_length=1
    )
    # Also run on draft pull requests.
    draft_pull_requests: bool = False


class TierDbtCloudSpec(Spec):
    """A tier file's `release.dbt.cloud` (with `release.dbt.runner: dbt_cloud`)."""

    # The dbt Cloud environment's name (default: the tier's name).
    environment_name: str | None = Field(default=None, min_length=1, max_length=255)
    dbt_version: str = "latest"
    connection: DbtCloudConnectionSpec = Field(default_factory=DbtCloudConnectionSpec)
    credentials: DbtCloudCredentialsSpec
    deploy_job: DbtCloudJobSpec = Field(default_factory=DbtCloudJobSpec)
    # dbt Cloud's own "run on pull request" job, deferring to this tier's environment.
    # Default: on for the tiers data CI targets (platform.yaml ci.targets).
    ci_job: bool | None = None
    ci: DbtCloudCiJobSpec = Field(default_factory=DbtCloudCiJobSpec)

    @field_validator("dbt_version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not _DBT_VERSION.fullmatch(value):
            raise ValueError(
                f"{shorten(value)} is not a dbt Cloud version: expected latest, "
                "latest-fusion, compatible, extended, or major.minor.0-latest (e.g. 1.10.0-latest)"
            )
        return value
