"""The Snowflake statements of a blue/green dbt release, per schema the release builds into.

    prepare   CREATE SCHEMA IF NOT EXISTS <db>.<s>              (first release: a clone source)
              CREATE OR REPLACE SCHEMA <db>.<s>__SHADOW CLONE <db>.<s>   (zero-copy)
              GRANT … ON SCHEMA <db>.<s>__SHADOW TO …           (the schema's own grants)
    build     dbt builds into <s>__SHADOW (generate_schema_name appends $TIERFORM_SCHEMA_SUFFIX)
    publish   ALTER SCHEMA <db>.<s> SWAP WITH <db>.<s>__SHADOW  (per schema, atomic each)
              DROP SCHEMA IF EXISTS <db>.<s>__PREVIOUS
              ALTER SCHEMA <db>.<s>__SHADOW RENAME TO <db>.<s>__PREVIOUS   (rollback target)
    rollback  ALTER SCHEMA <db>.<s> SWAP WITH <db>.<s>__PREVIOUS

Grants: a clone copies the grants on the objects inside the schema but not those on the
schema itself, and SWAP moves grants with the objects, not the names — so the shadow gets
the schema grants consumers rely on before it is published. Tables dbt re-creates in the
shadow keep theirs with the model config `copy_grants: true`; new ones get the database's
future grants (Tierform's access roles grant on future tables and views per database).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tierform.release.context import ReleaseError

SHADOW = "__SHADOW"
PREVIOUS = "__PREVIOUS"
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]{0,200}$")


def identifier(name: str) -> str:
    """dbt-snowflake creates unquoted names (Snowflake upper-cases them); anything needing
    quotes is refused rather than guessed."""
    if not _PLAIN.match(name):
        raise ReleaseError(
            f"blue/green on Snowflake needs plain database and schema names, got {name[:80]!r}"
        )
    return name.upper()


@dataclass(frozen=True, order=True)
class SchemaRef:
    database: str
    schema: str

    def name(self, suffix: str = "") -> str:
        return f"{identifier(self.database)}.{identifier(self.schema + suffix)}"


@dataclass(frozen=True)
class SchemaGrant:
    """`GRANT <privileges> ON SCHEMA … TO <grantee>`; grantee e.g. `DATABASE ROLE DB.RO`."""

    privileges: tuple[str, ...]
    grantee: str


def prepare_statements(
    schemas: Sequence[SchemaRef], grants: dict[SchemaRef, Sequence[SchemaGrant]]
) -> list[str]:
    statements: list[str] = []
    for ref in schemas:
        live, shadow = ref.name(), ref.name(SHADOW)
        statements.append(f"CREATE SCHEMA IF NOT EXISTS {live}")
        statements.append(f"CREATE OR REPLACE SCHEMA {shadow} CLONE {live}")
        for grant in grants.get(ref, ()):
            statements.append(
                f"GRANT {', '.join(grant.privileges)} ON SCHEMA {shadow} TO {grant.grantee}"
            )
    return statements


def publish_statements(schemas: Sequence[SchemaRef]) -> list[str]:
    # Every swap first (the window in which schemas disagree is one statement per schema),
    # then the swapped-out versions become the rollback targets.
    swaps = [f"ALTER SCHEMA {r.name()} SWAP WITH {r.name(SHADOW)}" for r in schemas]
    keep: list[str] = []
    for ref in schemas:
        keep.append(f"DROP SCHEMA IF EXISTS {ref.name(PREVIOUS)}")
        keep.append(f"ALTER SCHEMA {ref.name(SHADOW)} RENAME TO {ref.name(PREVIOUS)}")
    return swaps + keep


def rollback_statements(schemas: Sequence[SchemaRef]) -> list[str]:
    return [f"ALTER SCHEMA {r.name()} SWAP WITH {r.name(PREVIOUS)}" for r in schemas]


def release_schemas(manifest: dict) -> list[SchemaRef]:
    """The schemas a build writes to: every model, seed and snapshot that is not ephemeral
    (from a manifest parsed without the shadow suffix)."""
    found: set[SchemaRef] = set()
    for node in (manifest.get("nodes") or {}).values():
        if node.get("resource_type") not in ("model", "seed", "snapshot"):
            continue
        if (node.get("config") or {}).get("materialized") == "ephemeral":
            continue
        found.add(SchemaRef(str(node["database"]), str(node["schema"])))
    return sorted(found)


def access_role_grants(
    schemas: Iterable[SchemaRef], levels: dict[str, Sequence[str]]
) -> dict[SchemaRef, list[SchemaGrant]]:
    """The schema privileges of Tierform's access roles (database roles RO/RW/OWNER in each
    database, tierform/constructs/snowflake/access_roles.py), for each shadow schema."""
    return {
        ref: [
            SchemaGrant(tuple(privileges), f"DATABASE ROLE {identifier(ref.database)}.{level}")
            for level, privileges in levels.items()
        ]
        for ref in schemas
    }
