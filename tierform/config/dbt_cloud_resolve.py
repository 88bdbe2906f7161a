"""A dbt_cloud tier, resolved: the physical names its dbt Cloud resources use and the
DbtCloudStep its release step and data CI get. Computed from config alone (validated by
dbt_cloud_checks.py first), so the stack, the release CLI and `tierform inputs` agree.

The defaults that derive the connection from the tier's own config are defined here once
and used by the checks too: the dbt service user (release.dbt.service_user, else DBT), its
role and warehouse, the database that role owns.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from tierform.config import databricks_naming
from tierform.config.dbt_cloud import DbtCloudPlatformSpec, TierDbtCloudSpec
from tierform.config.dbt_cloud_step import DbtCloudStep
from tierform.config.release import DEFAULT_DBT_USER
from tierform.config.tier import TierSpec

# The credential attribute each connection type keeps its secret in (never set by Terraform).
SECRET_ATTRIBUTE = {"snowflake": "private_key", "databricks": "token"}
# dbt Cloud allows one production and one staging environment per project.
DEPLOYMENT_TYPES = {"prod": "production", "staging": "staging"}


def connection_type(tier: TierSpec, cloud: TierDbtCloudSpec) -> str | None:
    """The written type, else the one warehouse platform the tier has (None: ambiguous)."""
    if cloud.connection.type is not None:
        return cloud.connection.type
    has = [n for n, s in (("snowflake", tier.snowflake), ("databricks", tier.databricks)) if s]
    return has[0] if len(has) == 1 else None


def snowflake_user(tier: TierSpec, cloud: TierDbtCloudSpec) -> str:
    return cloud.credentials.user or tier.release.dbt.service_user or DEFAULT_DBT_USER


def snowflake_defaults(tier: TierSpec, cloud: TierDbtCloudSpec) -> dict[str, str | None]:
    """Logical database, warehouse and role: written, else derived from the service user."""
    sf = tier.snowflake
    assert sf is not None
    user = sf.service_users.get(snowflake_user(tier, cloud))
    role = cloud.connection.role or (user.role if user else None)
    warehouse = cloud.connection.warehouse or (user.warehouse if user else None)
    database = cloud.connection.database
    if database is None and role in sf.roles:
        owned = [db for db, level in sf.roles[role].databases.items() if level == "OWNER"]
        database = owned[0] if len(owned) == 1 else None
    return {"database": database, "warehouse": warehouse, "role": role}


def databricks_warehouse(tier: TierSpec, cloud: TierDbtCloudSpec) -> str | None:
    dbx = tier.databricks
    assert dbx is not None
    if cloud.connection.warehouse is not None:
        return cloud.connection.warehouse
    return next(iter(dbx.sql_warehouses)) if len(dbx.sql_warehouses) == 1 else None


def secret_env(tier: TierSpec, cloud: TierDbtCloudSpec, kind: str) -> str | None:
    """Snowflake: the service user's key, SNOWFLAKE_<USER>_PRIVATE_KEY (the dbt_core
    release's secret too); Databricks: only what the tier names."""
    if cloud.credentials.secret_env is not None:
        return cloud.credentials.secret_env
    if kind == "snowflake":
        return f"SNOWFLAKE_{snowflake_user(tier, cloud)}_PRIVATE_KEY"
    return None


class _Resolved(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SnowflakeTarget(_Resolved):
    account: str
    database: str
    warehouse: str
    role: str
    user: str
    target_schema: str


class DatabricksTarget(_Resolved):
    host: str
    # Logical: the stack turns it into the warehouse's HTTP path (its id is Terraform's).
    warehouse: str
    catalog: str
    target_schema: str


class JobSettings(_Resolved):
    name: str
    commands: list[str]
    threads: int
    generate_docs: bool


class DbtCloudEnvironmentSpec(_Resolved):
    """What the tier's stack builds (tierform/constructs/dbtcloud/)."""

    tier: str
    protected: bool
    account_id: int
    api_url: str
    project_id: int
    git_provider: str
    environment_name: str
    dbt_version: str
    deployment_type: str | None
    target_name: str
    snowflake: SnowflakeTarget | None = None
    databricks: DatabricksTarget | None = None
    deploy_job: JobSettings
    ci_job: JobSettings | None = None
    ci_draft_pull_requests: bool = False

    @property
    def connection_type(self) -> str:
        return "snowflake" if self.snowflake is not None else "databricks"


def resolve(
    platform: DbtCloudPlatformSpec, tier: TierSpec, *, target: str, ci_target: bool
) -> tuple[DbtCloudEnvironmentSpec, DbtCloudStep]:
    """The stack's spec and the release step's settings of a validated dbt_cloud tier."""
    cloud = tier.release.dbt.cloud
    assert cloud is not None, "validated: a dbt_cloud tier has release.dbt.cloud"
    kind = connection_type(tier, cloud)
    assert kind is not None, "validated: the connection type is known"
    snowflake = databricks = None
    if kind == "snowflake":
        sf = tier.snowflake
        assert sf is not None
        names = snowflake_defaults(tier, cloud)
        snowflake = SnowflakeTarget(
            account=f"{sf.connection.organization_name}-{sf.connection.account_name}",
            database=tier.object_name(str(names["database"])),
            warehouse=tier.object_name(str(names["warehouse"])),
            role=tier.object_name(str(names["role"])),
            user=tier.object_name(snowflake_user(tier, cloud)),
            target_schema=cloud.credentials.target_schema,
        )
    else:
        dbx = tier.databricks
        assert dbx is not None
        databricks = DatabricksTarget(
            host=dbx.workspace.host.removeprefix("https://"),
            warehouse=str(databricks_warehouse(tier, cloud)),
            catalog=databricks_naming.catalog_name(tier),
            target_schema=databricks_naming.schema_name(tier, cloud.credentials.target_schema),
        )
    environment = cloud.environment_name or tier.name
    with_ci = cloud.ci_job if cloud.ci_job is not None else ci_target
    spec = DbtCloudEnvironmentSpec(
        tier=tier.name,
        protected=tier.is_protected,
        account_id=platform.account_id,
        api_url=platform.api_url,
        project_id=platform.project_id,
        git_provider=platform.git_provider,
        environment_name=environment,
        dbt_version=cloud.dbt_version,
        deployment_type=DEPLOYMENT_TYPES.get(tier.kind),
        target_name=target,
        snowflake=snowflake,
        databricks=databricks,
        # Job names carry the tier, as Databricks job names do: `[prod] deploy`.
        deploy_job=JobSettings(
            name=f"[{tier.name}] deploy",
            commands=list(cloud.deploy_job.commands),
            threads=cloud.deploy_job.threads,
            generate_docs=cloud.deploy_job.generate_docs,
        ),
        ci_job=JobSettings(
            name=f"[{tier.name}] pull request CI",
            commands=list(cloud.ci.commands),
            threads=cloud.ci.threads,
            generate_docs=cloud.ci.generate_docs,
        )
        if with_ci
        else None,
        ci_draft_pull_requests=cloud.ci.draft_pull_requests,
    )
    secret = secret_env(tier, cloud, kind)
    step = DbtCloudStep(
        account_id=platform.account_id,
        host_url=platform.host_url,
        project_id=platform.project_id,
        token_env=platform.token_env,
        timeout_seconds=platform.timeout_seconds,
        poll_seconds=float(platform.poll_seconds),
        ci_job=with_ci,
        credential_type=kind,
        secret_attribute=SECRET_ATTRIBUTE[kind],
        secret_env=secret or "",
        secret_passphrase_env=(
            secret.removesuffix("_PRIVATE_KEY") + "_PRIVATE_KEY_PASSPHRASE"
            if kind == "snowflake" and secret and secret.endswith("_PRIVATE_KEY")
            else ""
        ),
        environment_name=environment,
    )
    return spec, step
