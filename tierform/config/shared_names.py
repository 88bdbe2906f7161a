"""Physical names that tiers must not share: each tier's stack would claim (or fail to
create) the other's object.

A namespace is where a name must be unique: S3 and Cloud Storage bucket names are global
(each store its own); MWAA environments per AWS region, their IAM roles per account (IAM is
global); Cloud Composer
environments per project and region, their service accounts per project; Astronomer
deployments per workspace; Snowflake
account objects per account (`snowflake.connection`); Databricks cluster policies and SQL
warehouses per workspace (`databricks.workspace.host`); per-tier Unity Catalog catalogs
per metastore, which workspaces may share. Two tiers making one name in one namespace is
an error naming both, reported at the second tier's field.
"""

from __future__ import annotations

from collections.abc import Iterator

from tierform.config.airflow import AstronomerAirflowSpec, ComposerAirflowSpec, MwaaAirflowSpec
from tierform.config.tier import TierSpec

# (namespace, what the name is, the name, field path that makes it)
Claim = tuple[tuple[str, ...], str, str, list[str | int]]
# (tier, field path, message)
Clash = tuple[str, list[str | int], str]


def _physical(tier: TierSpec, logical: str) -> str:
    # From the naming rule itself, the rule the synth guardrail holds constructs to.
    return tier.naming.apply(logical, tier.name)


def claims(tier: TierSpec) -> Iterator[Claim]:
    """Every physical name of `tier` that lives in a namespace other tiers may share."""
    spec = tier.airflow
    if isinstance(spec, MwaaAirflowSpec):
        field: list[str | int] = ["airflow", "bucket" if spec.bucket else "name"]
        yield ("S3 bucket names are global",), "S3 bucket", spec.bucket_name(tier.name), field
        yield (
            (f"MWAA environments in {spec.region} of one AWS account",),
            "MWAA environment",
            spec.environment_name(tier.name),
            ["airflow", "name"],
        )
        # IAM is global: two tiers' environments of one name in two regions of one account
        # would claim one execution role, which the second tier's apply fails to create.
        yield (
            ("IAM role names of one AWS account, in every region",),
            "MWAA execution role",
            spec.execution_role_name(tier.name),
            ["airflow", "name"],
        )
    elif isinstance(spec, ComposerAirflowSpec):
        yield (
            (f"Cloud Composer environments in {spec.region} of project {spec.project}",),
            "Composer environment",
            spec.environment_name(tier.name),
            ["airflow", "name"],
        )
        yield (
            (f"service accounts of project {spec.project}",),
            "service account",
            spec.service_account_id(tier.name),
            ["airflow", "name"],
        )
        bucket = spec.bucket_name(tier.name)
        if bucket is not None:  # Composer 2 without a pinned bucket: Composer names it
            field = ["airflow", "bucket" if spec.bucket else "name"]
            yield ("Cloud Storage bucket names are global",), "GCS bucket", bucket, field
    elif isinstance(spec, AstronomerAirflowSpec) and spec.deployment_id is None:
        yield (
            (f"Astronomer workspace {spec.workspace_id}",),
            "Astronomer deployment",
            spec.deployment_name(tier.name),
            ["airflow", "name"],
        )
    sf = tier.snowflake
    if sf is not None:
        where = (
            f"Snowflake account {sf.connection.organization_name}.{sf.connection.account_name}",
        )
        kinds = {
            "databases": "database",
            "warehouses": "warehouse",
            "roles": "role",
            "service_users": "user",
        }
        for section, kind in kinds.items():
            for logical in getattr(sf, section):
                yield where, kind, _physical(tier, logical), ["snowflake", section, logical]
        if sf.resource_monitor is not None:
            name = _physical(tier, sf.resource_monitor.name)
            yield where, "resource monitor", name, ["snowflake", "resource_monitor", "name"]
    dbx = tier.databricks
    if dbx is not None:
        if dbx.catalog.layout == "per_tier":
            yield (
                ("Unity Catalog metastore (workspaces may share one)",),
                "catalog",
                _physical(tier, dbx.catalog.name).lower(),
                ["databricks", "catalog", "name"],
            )
        workspace = (f"Databricks workspace {dbx.workspace.host}",)
        for logical in dbx.cluster_policies:
            path: list[str | int] = ["databricks", "cluster_policies", logical]
            yield workspace, "cluster policy", _physical(tier, logical).lower(), path
        for logical in dbx.sql_warehouses:
            path = ["databricks", "sql_warehouses", logical]
            yield workspace, "SQL warehouse", _physical(tier, logical).lower(), path


def clashes(tiers: list[TierSpec]) -> Iterator[Clash]:
    """Each name a tier makes that an earlier tier (promotion order) made already."""
    owner: dict[tuple[tuple[str, ...], str, str], str] = {}
    for tier in tiers:
        # One field makes several names (a Composer environment, its service account and
        # bucket): one mistake, said once, at its first clash.
        said: set[tuple[str | int, ...]] = set()
        for namespace, kind, name, path in claims(tier):
            key = (namespace, kind, name.lower())
            first = owner.setdefault(key, tier.name)
            if first != tier.name and tuple(path) not in said:
                said.add(tuple(path))
                yield (
                    tier.name,
                    path,
                    f"tier {tier.name!r} makes the {kind} name {name!r}, which tier {first!r} "
                    f"also makes ({namespace[0]}); {_fix(kind)}",
                )


# Names made by naming.cloud_pattern (tierform/config/airflow_flavor.py, physical_name).
_CLOUD_KINDS = (
    "S3 bucket",
    "MWAA environment",
    "MWAA execution role",
    "Astronomer deployment",
    "Composer environment",
    "GCS bucket",
)


def _fix(kind: str) -> str:
    if kind == "service account":
        return (
            "the id is the environment name cut to 27 characters plus '-sa': shorten "
            "airflow.name so the tier's part of the name fits, or give the tiers their own projects"
        )
    if kind in _CLOUD_KINDS:
        return "name the tier in naming.cloud_pattern (e.g. '{name}-{tier}') or set a name per tier"
    if kind == "catalog":
        # Unique per metastore, whichever workspaces the tiers have: own workspaces do not
        # help while they share the metastore.
        return (
            "name the tier in naming.pattern, set catalog.name per tier, or use "
            "catalog.layout: shared (one catalog, a schema per tier)"
        )
    if kind in ("cluster policy", "SQL warehouse"):
        return "name the tier in naming.pattern or give the tiers their own workspaces"
    return (
        "name the tier in naming.pattern (e.g. '{name}_{TIER}') or give each tier its own account"
    )
