"""The rules of a dbt_cloud tier that span fields and files: the runner needs the platform's
account settings and the tier's own; the connection names objects the tier declares; a
dbt Cloud build publishes in place. One line per problem, as (field path, message)."""

from __future__ import annotations

from collections.abc import Iterator

from tierform.config.attribution import unknown_name
from tierform.config.dbt_cloud import DbtCloudPlatformSpec
from tierform.config.dbt_cloud_resolve import (
    DEPLOYMENT_TYPES,
    connection_type,
    databricks_warehouse,
    secret_env,
    snowflake_defaults,
    snowflake_user,
)
from tierform.config.tier import TierSpec

Problem = tuple[list[str | int], str]
_BASE: list[str | int] = ["release", "dbt"]
_CLOUD: list[str | int] = [*_BASE, "cloud"]


def check_dbt_cloud(
    tier: TierSpec, platform_cloud: DbtCloudPlatformSpec | None
) -> Iterator[Problem]:
    dbt = tier.release.dbt
    if dbt.runner != "dbt_cloud":
        if dbt.cloud is not None:
            yield _CLOUD, "only used with release.dbt.runner: dbt_cloud (the runner is dbt_core)"
        return
    if platform_cloud is None:
        yield (
            [*_BASE, "runner"],
            "dbt_cloud needs the platform's dbt Cloud account: set release.dbt.cloud in "
            "platform.yaml (account_id, project_id, host_url)",
        )
    if dbt.cloud is None:
        yield (
            _CLOUD,
            "required with runner dbt_cloud: the tier's dbt Cloud settings (at least "
            "credentials.target_schema)",
        )
        return
    if "publish" in dbt.model_fields_set and dbt.publish == "blue_green":
        yield (
            [*_BASE, "publish"],
            "blue_green is Tierform's own shadow build (dbt_core); a dbt Cloud job builds "
            "in place: remove it or write publish: in_place",
        )
    if dbt.slim:
        yield (
            [*_BASE, "slim"],
            "slim builds are dbt_core's; on dbt Cloud put the selector in "
            "release.dbt.cloud.deploy_job.commands",
        )
    kind = connection_type(tier, dbt.cloud)
    if kind is None:
        has = (
            "both snowflake and databricks"
            if tier.snowflake
            else "neither snowflake nor databricks"
        )
        yield (
            [*_CLOUD, "connection", "type"],
            f"the tier has {has}: name the connection type (snowflake or databricks)",
        )
        return
    if kind == "snowflake":
        yield from _check_snowflake(tier)
    else:
        yield from _check_databricks(tier)


def _check_snowflake(tier: TierSpec) -> Iterator[Problem]:
    cloud = tier.release.dbt.cloud
    assert cloud is not None
    sf = tier.snowflake
    if sf is None:
        yield [*_CLOUD, "connection", "type"], "snowflake, but the tier has no snowflake section"
        return
    user = snowflake_user(tier, cloud)
    if user not in sf.service_users:
        path = (
            [*_CLOUD, "credentials", "user"] if cloud.credentials.user else [*_BASE, "service_user"]
        )
        yield (
            path,
            unknown_name(
                "Snowflake service user",
                user,
                sf.service_users,
                declared_at=["snowflake", "service_users"],
            ),
        )
        return
    names = snowflake_defaults(tier, cloud)
    declared = {"database": sf.databases, "warehouse": sf.warehouses, "role": sf.roles}
    for field in ("database", "warehouse", "role"):
        name = names[field]
        path = [*_CLOUD, "connection", field]
        if name is None:
            yield (
                path,
                (
                    f"cannot be derived (the {user} service user's role owns no single database): "
                    "name the database dbt Cloud connects to"
                ),
            )
        elif name not in declared[field]:
            yield (
                path,
                unknown_name(field, name, declared[field], declared_at=["snowflake", f"{field}s"]),
            )
    database = names["database"]
    schema = cloud.credentials.target_schema
    if database in sf.databases and schema not in sf.databases[database].schemas:
        yield (
            [*_CLOUD, "credentials", "target_schema"],
            unknown_name(
                f"schema of {database}",
                schema,
                sf.databases[database].schemas,
                declared_at=["snowflake", "databases", database, "schemas"],
            ),
        )


def _check_databricks(tier: TierSpec) -> Iterator[Problem]:
    cloud = tier.release.dbt.cloud
    assert cloud is not None
    dbx = tier.databricks
    if dbx is None:
        yield [*_CLOUD, "connection", "type"], "databricks, but the tier has no databricks section"
        return
    for field in ("database", "role"):
        if getattr(cloud.connection, field) is not None:
            yield [*_CLOUD, "connection", field], "only used by a snowflake connection"
    if cloud.credentials.user is not None:
        yield (
            [*_CLOUD, "credentials", "user"],
            "only used by a snowflake connection (Databricks credentials are a token)",
        )
    warehouse = databricks_warehouse(tier, cloud)
    if warehouse is None:
        yield (
            [*_CLOUD, "connection", "warehouse"],
            ("name the SQL warehouse (databricks.sql_warehouses) dbt Cloud connects to"),
        )
    elif warehouse not in dbx.sql_warehouses:
        yield (
            [*_CLOUD, "connection", "warehouse"],
            unknown_name(
                "SQL warehouse",
                warehouse,
                dbx.sql_warehouses,
                declared_at=["databricks", "sql_warehouses"],
            ),
        )
    schema = cloud.credentials.target_schema
    if schema not in dbx.catalog.schemas:
        yield (
            [*_CLOUD, "credentials", "target_schema"],
            unknown_name(
                "schema of the catalog",
                schema,
                dbx.catalog.schemas,
                declared_at=["databricks", "catalog", "schemas"],
            ),
        )
    if secret_env(tier, cloud, "databricks") is None:
        yield (
            [*_CLOUD, "credentials", "secret_env"],
            (
                "required for a databricks connection: the variable holding the token dbt "
                "Cloud builds with (e.g. DBT_CLOUD_DATABRICKS_TOKEN); never the token itself"
            ),
        )


def deployment_type_clashes(tiers: list[TierSpec]) -> Iterator[tuple[str, Problem]]:
    """dbt Cloud takes one production and one staging environment per project: a second
    dbt_cloud tier of the same kind is refused (tier name, problem)."""
    seen: dict[str, str] = {}
    for tier in tiers:
        if tier.release.dbt.runner != "dbt_cloud" or tier.release.dbt.cloud is None:
            continue
        deployment = DEPLOYMENT_TYPES.get(tier.kind)
        if deployment is None:
            continue
        if deployment in seen:
            yield (
                tier.name,
                (
                    [*_BASE, "runner"],
                    f"tier {seen[deployment]!r} is already the project's {deployment} dbt Cloud "
                    f"environment (one per project); run this {tier.kind} tier on dbt_core",
                ),
            )
        else:
            seen[deployment] = tier.name
