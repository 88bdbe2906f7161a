"""Unity Catalog privilege sets per access level, mirroring the Snowflake access roles
(RO, RW, OWNER). Plain data: the policy code may read it too.

Privileges granted on a catalog are inherited by every schema and table in it; a grant on
one schema needs USE_CATALOG on its catalog to be usable, which the catalog grant adds.
"""

from __future__ import annotations

_READ = ("USE_SCHEMA", "SELECT", "EXECUTE", "READ_VOLUME")
_WRITE = (*_READ, "MODIFY", "WRITE_VOLUME")
# OWNER builds objects (dbt, ingestion notebooks): it may create schemas and objects in them.
_BUILD = (
    *_WRITE,
    "CREATE_TABLE",
    "CREATE_FUNCTION",
    "CREATE_VOLUME",
    "CREATE_MATERIALIZED_VIEW",
    "REFRESH",
)

CATALOG_PRIVILEGES: dict[str, tuple[str, ...]] = {
    "RO": ("USE_CATALOG", *_READ),
    "RW": ("USE_CATALOG", *_WRITE),
    "OWNER": ("USE_CATALOG", "CREATE_SCHEMA", *_BUILD),
}
SCHEMA_PRIVILEGES: dict[str, tuple[str, ...]] = {"RO": _READ, "RW": _WRITE, "OWNER": _BUILD}
# What a principal with access to one schema only needs on the catalog.
CATALOG_USAGE = ("USE_CATALOG",)
