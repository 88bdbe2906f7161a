"""Names as they will exist: each account-level logical name, once the tier's naming rule
is applied, must still fit Snowflake's identifier limit (RAW with `{name}_{TIER}` → RAW_PROD)."""

from __future__ import annotations

from collections.abc import Iterator

from tierform.config.base import MAX_IDENTIFIER_LENGTH
from tierform.config.tier import TierSpec

# (field path, message), as in references.py
Problem = tuple[list[str | int], str]


def _named(tier: TierSpec) -> Iterator[tuple[list[str | int], str]]:
    """(field path, logical name) of every object the naming rule applies to."""
    sf = tier.snowflake
    if sf is not None:
        for section in ("databases", "warehouses", "roles", "service_users"):
            for name in getattr(sf, section):
                yield ["snowflake", section, name], name
    dbx = tier.databricks
    if dbx is not None:
        yield ["databricks", "service_principal", "name"], dbx.service_principal.name
        yield ["databricks", "catalog", "name"], dbx.catalog.name
        for section in ("cluster_policies", "sql_warehouses"):
            for name in getattr(dbx, section):
                yield ["databricks", section, name], name
        if dbx.secret_scope is not None:
            yield ["databricks", "secret_scope", "name"], dbx.secret_scope.name
    for i, dev in enumerate(tier.developers):
        yield ["developers", i, "name"], f"SANDBOX_{dev.name.upper()}"


def check_name_lengths(tier: TierSpec) -> Iterator[Problem]:
    for path, logical in _named(tier):
        physical = tier.object_name(logical)
        if len(physical) > MAX_IDENTIFIER_LENGTH:
            yield (
                path,
                f"makes the name {physical[:20]}… ({len(physical)} characters with naming "
                f"pattern {tier.naming.pattern!r}); Snowflake names have at most "
                f"{MAX_IDENTIFIER_LENGTH}",
            )
