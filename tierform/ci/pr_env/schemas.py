"""Snowflake and Databricks PR environments: schemas named `PR_<N>_<SCHEMA>` in the target
tier's database (Snowflake) or catalog (Databricks). The project's `generate_schema_name`
prepends $TIERFORM_SCHEMA_PREFIX (examples/dbt/macros/generate_schema_name.sql).

Rights: the CI identity creates the schemas itself, so it owns them and nothing else; it
needs only `USAGE` + `CREATE SCHEMA` on the tier's database (Databricks: `USE CATALOG` +
`CREATE SCHEMA` on the catalog) and read access to the tier's schemas it defers to. No grant
to anyone else is issued: a PR environment is nobody's data.

The statements run through dbt's own connection (`dbt run-operation tierform_run_statements`,
the macro the release already ships). Not run against a live account here: the tests check
the statements with a recording runner instead of a connection.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tierform.ci.errors import CiInputError

PREFIX_VARIABLE = "TIERFORM_SCHEMA_PREFIX"
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,200}$")


def prefix(pr: int, kind: str) -> str:
    # Databricks folds unquoted names to lower case; Snowflake to upper case.
    return f"pr_{pr}_" if kind == "databricks" else f"PR_{pr}_"


def _ident(name: str, kind: str) -> str:
    if not _PLAIN.match(name):
        raise CiInputError(f"a PR environment needs plain schema names, got {name[:80]!r}")
    return name.lower() if kind == "databricks" else name.upper()


def qualified(database: str, schema: str, kind: str) -> str:
    return f"{_ident(database, kind)}.{_ident(schema, kind)}"


def create_statements(schemas: Sequence[str], kind: str) -> list[str]:
    """`CREATE SCHEMA IF NOT EXISTS` for each DATABASE.SCHEMA (already prefixed)."""
    return [f"CREATE SCHEMA IF NOT EXISTS {name}" for name in schemas]


def drop_statements(schemas: Sequence[str], pr: int, kind: str) -> list[str]:
    """`DROP SCHEMA IF EXISTS … CASCADE` for each recorded schema; a name without the PR's
    prefix is refused (a damaged record must never drop a tier's own schema)."""
    mark = prefix(pr, kind).lower()
    statements = []
    for name in schemas:
        schema = name.rsplit(".", 1)[-1]
        if not schema.lower().startswith(mark):
            raise CiInputError(f"the PR {pr} record names schema {name!r}, not one of PR {pr}'s")
        statements.append(f"DROP SCHEMA IF EXISTS {name} CASCADE")
    return statements


def pr_schemas(manifest: dict, pr: int, kind: str) -> list[str]:
    """DATABASE.SCHEMA of every model, seed and snapshot of a manifest parsed with the PR
    prefix set (ephemeral models write nothing)."""
    mark = prefix(pr, kind).lower()
    found = set()
    for node in (manifest.get("nodes") or {}).values():
        if node.get("resource_type") not in ("model", "seed", "snapshot"):
            continue
        if (node.get("config") or {}).get("materialized") == "ephemeral":
            continue
        if not str(node["schema"]).lower().startswith(mark):
            raise CiInputError(
                f"{node.get('original_file_path')}: builds into schema {node['schema']!r} without "
                f"the PR prefix: the project's generate_schema_name must prepend ${PREFIX_VARIABLE}"
            )
        found.add(qualified(str(node["database"]), str(node["schema"]), kind))
    return sorted(found)
