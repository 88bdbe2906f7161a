"""A tier's Unity Catalog objects: its catalog (per_tier layout), schemas, workspace binding."""

from __future__ import annotations

from tierform.config.databricks import CatalogSpec
from tierform.constructs.databricks.bindings import Catalog, Schema, WorkspaceBinding
from tierform.constructs.foreach import iterator, stable_address
from tierform.constructs.framework import (
    Construct,
    TerraformProvider,
    TerraformResource,
    TerraformResourceLifecycle,
)


class UnityCatalog(Construct):
    """`databricks_catalog.catalog` (per_tier only) and `databricks_schema.schemas[<SCHEMA>]`.

    A `shared` catalog exists outside the tier stacks: it is referred to by name only.
    Protected tiers put `prevent_destroy` on the catalog and schemas.
    Attributes: `catalog_name`, `schema_names` (logical → physical), `catalog`, `schemas`,
    `binding`, and `resources` (all of them, for dependencies).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        spec: CatalogSpec,
        catalog_name: str,
        schema_names: dict[str, str],
        tier: str,
        protected: bool,
        workspace_id: int | None,
        provider: TerraformProvider,
        protected_schemas: bool | None = None,
    ):
        super().__init__(scope, id)
        self.catalog_name = catalog_name
        self.schema_names = dict(schema_names)
        lifecycle = TerraformResourceLifecycle(prevent_destroy=True) if protected else None
        protect_schemas = protected if protected_schemas is None else protected_schemas
        self.catalog: Catalog | None = None
        self.binding: WorkspaceBinding | None = None
        if spec.layout == "per_tier":
            self.catalog = stable_address(
                Catalog(
                    self,
                    "catalog",
                    provider=provider,
                    name=catalog_name,
                    comment=spec.comment or f"{spec.name} ({tier}), managed by Tierform",
                    isolation_mode="ISOLATED" if spec.bind_to_workspace else "OPEN",
                    properties={"tier": tier, "managed_by": "tierform"},
                    lifecycle=lifecycle,
                ),
                "catalog",
            )
            if spec.bind_to_workspace:
                assert workspace_id is not None  # enforced by config validation
                self.binding = stable_address(
                    WorkspaceBinding(
                        self,
                        "binding",
                        provider=provider,
                        securable_name=self.catalog.name,
                        securable_type="catalog",
                        workspace_id=workspace_id,
                        binding_type="BINDING_TYPE_READ_WRITE",
                    ),
                    "catalog",
                )
        self.schemas: Schema | None = None
        # A protected block stays, even empty: without it Terraform forgets prevent_destroy.
        if spec.schemas or protect_schemas:
            it = iterator(
                {
                    logical: {
                        "name": self.schema_names[logical],
                        "comment": sspec.comment or f"{logical} ({tier}), managed by Tierform",
                    }
                    for logical, sspec in spec.schemas.items()
                }
            )
            self.schemas = stable_address(
                Schema(
                    self,
                    "schemas",
                    for_each=it,
                    provider=provider,
                    catalog_name=self.catalog.name if self.catalog else catalog_name,
                    name=it.get_string("name"),
                    comment=it.get_string("comment"),
                    properties={"tier": tier, "managed_by": "tierform"},
                    lifecycle=(
                        TerraformResourceLifecycle(prevent_destroy=True)
                        if protect_schemas
                        else None
                    ),
                ),
                "schemas",
            )
        self.resources: list[TerraformResource] = [
            r for r in (self.catalog, self.binding, self.schemas) if r is not None
        ]
