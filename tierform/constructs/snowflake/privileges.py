"""What each access level (RO, RW, OWNER) may do. Plain data: policy code reads it too."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AccessPrivileges:
    database: tuple[str, ...]
    schemas: tuple[str, ...]
    tables: tuple[str, ...]
    views: tuple[str, ...]


_READ = ("SELECT", "REFERENCES")
_WRITE = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES")

ACCESS_LEVELS: dict[str, AccessPrivileges] = {
    "RO": AccessPrivileges(database=("USAGE",), schemas=("USAGE",), tables=_READ, views=_READ),
    "RW": AccessPrivileges(database=("USAGE",), schemas=("USAGE",), tables=_WRITE, views=_READ),
    # OWNER builds objects (dbt): it may create schemas and objects in them.
    "OWNER": AccessPrivileges(
        database=("USAGE", "CREATE SCHEMA"),
        schemas=(
            "USAGE",
            "CREATE TABLE",
            "CREATE VIEW",
            "CREATE MATERIALIZED VIEW",
            "CREATE STAGE",
            "CREATE FILE FORMAT",
            "CREATE SEQUENCE",
            "CREATE FUNCTION",
            "CREATE PROCEDURE",
            "CREATE TASK",
            "CREATE STREAM",
        ),
        tables=_WRITE,
        views=_READ,
    ),
}


def database_role_fqn(database: str, role: str) -> str:
    """Fully qualified database role name, as the grant resources expect it."""
    return f'"{database}"."{role}"'
