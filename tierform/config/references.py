"""Checks that span fields: names that must refer to objects declared elsewhere in the tier."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tierform.config.airflow_checks import check_airflow
from tierform.config.attribution import unknown_name
from tierform.config.databricks_checks import check_databricks
from tierform.config.snowflake_access import check_snowflake_access
from tierform.config.snowflake_sandbox_names import sandbox_object_name, sandbox_role
from tierform.config.tier import TierSpec

# (field path, message)
Problem = tuple[list[str | int], str]


# Where each kind of name is declared, so a reference to a name a `null` removed is
# reported at that `null` (tierform/config/attribution.py).
_DECLARED_AT = {
    "database": ["snowflake", "databases"],
    "warehouse": ["snowflake", "warehouses"],
    "role": ["snowflake", "roles"],
    "Snowflake service user": ["snowflake", "service_users"],
}


def _unknown(kind: str, name: str, known: dict | list) -> str:
    return unknown_name(kind, name, known, declared_at=_DECLARED_AT[kind])


def check_tier(tier: TierSpec, repo_root: Path | None = None) -> Iterator[Problem]:
    """Every cross-reference problem of one tier, as (path, message).

    `repo_root`: the repository (config/'s parent) that paths in config refer to; None
    skips the checks that look at files.
    """
    yield from _check_developers(tier)
    yield from check_airflow(tier)
    yield from check_databricks(tier, repo_root)
    sf = tier.snowflake
    if sf is not None and tier.kind == "local":
        # As Databricks and a cloud Airflow on a local tier: its stack would need an account.
        yield (
            ["snowflake"],
            "a local tier runs without any cloud account; remove the snowflake section",
        )
        return
    if sf is None:
        # No Snowflake of the tier's own: a dbt service user it inherits (a DuckDB tier that
        # extends a Snowflake one) is unused, as dbt_identity() says, not a mistake.
        return
    dbt_user = tier.release.dbt.service_user
    if dbt_user is not None and dbt_user not in sf.service_users:
        yield (
            ["release", "dbt", "service_user"],
            _unknown("Snowflake service user", dbt_user, sf.service_users),
        )
    base: list[str | int] = ["snowflake"]
    for role_name, role in sf.roles.items():
        for db in role.databases:
            if db not in sf.databases:
                yield (
                    [*base, "roles", role_name, "databases", db],
                    _unknown("database", db, sf.databases),
                )
        for i, wh in enumerate(role.warehouses):
            if wh not in sf.warehouses:
                yield (
                    [*base, "roles", role_name, "warehouses", i],
                    _unknown("warehouse", wh, sf.warehouses),
                )
    for user_name, user in sf.service_users.items():
        if user.role not in sf.roles:
            yield [*base, "service_users", user_name, "role"], _unknown("role", user.role, sf.roles)
        if user.warehouse not in sf.warehouses:
            yield (
                [*base, "service_users", user_name, "warehouse"],
                _unknown("warehouse", user.warehouse, sf.warehouses),
            )
        if user_name in sf.roles:
            yield (
                [*base, "service_users", user_name],
                f"{user_name!r} is also a role name; users and roles share one namespace per tier",
            )
    for wh_name, wh in sf.warehouses.items():
        if wh.min_cluster_count > wh.max_cluster_count:
            yield (
                [*base, "warehouses", wh_name, "min_cluster_count"],
                f"{wh.min_cluster_count} is more than max_cluster_count ({wh.max_cluster_count})",
            )
    if tier.kind == "prod" and sf.warehouses and sf.resource_monitor is None:
        yield (
            [*base, "resource_monitor"],
            "a prod tier with warehouses must declare a resource monitor",
        )
    yield from check_snowflake_access(sf)
    yield from _check_sandboxes(tier)


def _check_developers(tier: TierSpec) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, dev in enumerate(tier.developers):
        if dev.name in seen:
            yield ["developers", i, "name"], f"{dev.name!r} is listed twice"
        seen.add(dev.name)
        if dev.snowflake_user is None and dev.databricks_user is None:
            yield (
                ["developers", i],
                f"developer {dev.name!r} names no snowflake_user and no databricks_user: "
                "the sandbox would belong to no one (name the developer's existing user)",
            )
        if dev.git_branch is not None and tier.databricks is None:
            yield (
                ["developers", i, "git_branch"],
                "is the branch of the developer's Databricks Git folder, and the tier has "
                "no databricks section",
            )
    if tier.developers and tier.kind != "dev":
        yield ["developers"], f"developer sandboxes belong on a dev tier, not on a {tier.kind} tier"


def _check_sandboxes(tier: TierSpec) -> Iterator[Problem]:
    sf = tier.snowflake
    assert sf is not None
    box = sf.sandboxes
    path: list[str | int] = ["snowflake", "sandboxes"]
    if box is None:
        if tier.developers:
            yield path, "developers are listed, so sandboxes must say where their objects go"
        return
    if box.kind == "schema":
        if box.database is None:
            yield (
                [*path, "database"],
                "required when kind is 'schema' (the database holding the sandboxes)",
            )
        elif box.database not in sf.databases:
            yield [*path, "database"], _unknown("database", box.database, sf.databases)
    elif box.database is not None:
        yield [*path, "database"], "only used when kind is 'schema'"
    for i, role in enumerate(box.inherit_roles):
        if role not in sf.roles:
            yield [*path, "inherit_roles", i], _unknown("role", role, sf.roles)
    if box.warehouse is not None and box.warehouse not in sf.warehouses:
        yield [*path, "warehouse"], _unknown("warehouse", box.warehouse, sf.warehouses)
    yield from _sandbox_clashes(tier)


def _sandbox_clashes(tier: TierSpec) -> Iterator[Problem]:
    """A tier object that is a developer's sandbox object: the tier's stack and the
    sandbox's would both manage it (and one destroy drop the other's)."""
    sf = tier.snowflake
    assert sf is not None and sf.sandboxes is not None
    box = sf.sandboxes
    roles = {tier.object_name(logical): logical for logical in sf.roles}
    databases = {tier.object_name(logical): logical for logical in sf.databases}
    held = sf.databases.get(box.database) if box.kind == "schema" and box.database else None
    for dev in tier.developers:
        whose = f"developer {dev.name!r}"
        role = tier.object_name(sandbox_role(dev.name))
        if role in roles:
            yield (
                ["snowflake", "roles", roles[role]],
                f"makes the role {role!r}, which is the Snowflake sandbox role of {whose}",
            )
        name = sandbox_object_name(dev.name)
        if box.kind == "database" and tier.object_name(name) in databases:
            physical = tier.object_name(name)
            yield (
                ["snowflake", "databases", databases[physical]],
                f"makes the database {physical!r}, which is the Snowflake sandbox database of "
                f"{whose}",
            )
        if held is not None and name in held.schemas:
            yield (
                ["snowflake", "databases", box.database, "schemas", name],
                f"is the Snowflake sandbox schema of {whose} "
                f"({tier.object_name(box.database)}.{name})",
            )
