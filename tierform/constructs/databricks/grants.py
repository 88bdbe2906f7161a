"""Unity Catalog grants: exactly one authoritative `databricks_grants` per securable.

`databricks_grants` replaces every grant on its object, so two resources on one securable
would undo each other on every apply. Hence one resource for the catalog and one for_each
over schemas keyed by schema: each securable appears once, with all its principals merged.
"""

from __future__ import annotations

from tierform.config.databricks import CatalogSpec
from tierform.constructs.databricks.bindings import Grants, GrantsGrant
from tierform.constructs.databricks.dynamic import dynamic, set_dynamic_blocks
from tierform.constructs.databricks.privileges import (
    CATALOG_PRIVILEGES,
    CATALOG_USAGE,
    SCHEMA_PRIVILEGES,
)
from tierform.constructs.foreach import iterator, stable_address
from tierform.constructs.framework import Construct, TerraformProvider, TerraformResource


def _grant_list(by_principal: dict[str, set[str]]) -> list[dict]:
    return [
        {"principal": principal, "privileges": sorted(privileges)}
        for principal, privileges in sorted(by_principal.items())
    ]


class CatalogGrants(Construct):
    """`databricks_grants.catalog[<CATALOG>]` and `databricks_grants.schemas[<SCHEMA>]`.

    `principal_ids` maps a principal as written in config to what Unity Catalog expects (a
    group name, or the service principal's application id). `catalog_users` get USE_CATALOG
    only (e.g. developers owning a sandbox schema in this catalog).
    Attributes: `catalog_grants`, `schema_grants`, `securables` (full names, one each).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        spec: CatalogSpec,
        catalog_name: str,
        schema_names: dict[str, str],
        principal_ids: dict[str, str],
        catalog_users: list[str],
        provider: TerraformProvider,
        depends_on: list[TerraformResource],
    ):
        super().__init__(scope, id)
        self.securables: list[str] = []
        self.catalog_grants: Grants | None = None
        self.schema_grants: Grants | None = None

        schema_items = {}
        schema_only: set[str] = set()
        # Schemas with the same access map get the same grant list, computed once (one
        # object, only ever read and written out): thousands of schemas share a few maps.
        grant_lists: dict[tuple, list[dict]] = {}
        for logical, sspec in spec.schemas.items():
            if not sspec.access:
                continue
            shared = tuple(sspec.access.items())
            grant_list = grant_lists.get(shared)
            if grant_list is None:
                grant_list = grant_lists[shared] = _grant_list(
                    {principal_ids[p]: set(SCHEMA_PRIVILEGES[lvl]) for p, lvl in shared}
                )
                schema_only |= {p for p in sspec.access if p not in spec.access}
            full = f"{catalog_name}.{schema_names[logical]}"
            schema_items[logical] = {"schema": full, "grants": grant_list}
            self.securables.append(full)

        if spec.layout == "per_tier":
            on_catalog: dict[str, set[str]] = {}
            for principal, level in spec.access.items():
                on_catalog[principal_ids[principal]] = set(CATALOG_PRIVILEGES[level])
            for principal in [*(principal_ids[p] for p in sorted(schema_only)), *catalog_users]:
                on_catalog.setdefault(principal, set()).update(CATALOG_USAGE)
            if on_catalog:
                it = iterator(
                    {spec.name: {"catalog": catalog_name, "grants": _grant_list(on_catalog)}}
                )
                self.catalog_grants = self._grants(
                    "catalog", it, provider, depends_on, catalog=it.get_string("catalog")
                )
                self.securables.insert(0, catalog_name)
        if schema_items:
            it = iterator(schema_items)
            self.schema_grants = self._grants(
                "schemas", it, provider, depends_on, schema=it.get_string("schema")
            )

    def _grants(self, name, it, provider, depends_on, **securable) -> Grants:
        grants = Grants(
            self,
            name,
            for_each=it,
            provider=provider,
            # placeholder for the required block; replaced by the dynamic one below
            grant=[GrantsGrant(principal="-", privileges=[])],
            depends_on=depends_on,
            **securable,
        )
        set_dynamic_blocks(
            grants,
            {
                "grant": dynamic(
                    GrantsGrant,
                    for_each="${each.value.grants}",
                    iterator="grant",
                    content={
                        "principal": "${grant.value.principal}",
                        "privileges": "${grant.value.privileges}",
                    },
                )
            },
        )
        return stable_address(grants, name)
