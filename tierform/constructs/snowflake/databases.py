"""Databases and their schemas for one tier."""

from __future__ import annotations

from tierform.config.snowflake import DatabaseSpec
from tierform.constructs.foreach import iterator, stable_address
from tierform.constructs.framework import Construct, TerraformProvider, TerraformResourceLifecycle
from tierform.constructs.snowflake.bindings import Database, Schema

# Config booleans (strict: True/False only) as the provider's string values.
_PROVIDER_BOOL = {True: "true", False: "false"}


class SnowflakeDatabases(Construct):
    """`snowflake_database.databases[<DB>]` and `snowflake_schema.schemas[<DB>.<SCHEMA>]`.

    Attributes: `names` (logical → physical database name), `database`, `schemas` resources.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        databases: dict[str, DatabaseSpec],
        physical_name: dict[str, str],
        tier: str,
        protected: bool,
        provider: TerraformProvider,
        protected_schemas: bool | None = None,
    ):
        super().__init__(scope, id)
        self.names = {logical: physical_name[logical] for logical in databases}
        lifecycle = TerraformResourceLifecycle(prevent_destroy=True) if protected else None
        protect_schemas = protected if protected_schemas is None else protected_schemas
        schema_lifecycle = (
            TerraformResourceLifecycle(prevent_destroy=True) if protect_schemas else None
        )
        db_items = {
            logical: {
                "name": self.names[logical],
                "comment": spec.comment or f"{logical} ({tier}), managed by Tierform",
                "retention": spec.data_retention_time_in_days,
                "transient": spec.transient,
            }
            for logical, spec in databases.items()
        }
        db_it = iterator(db_items)
        self.database = stable_address(
            Database(
                self,
                "databases",
                for_each=db_it,
                provider=provider,
                name=db_it.get_string("name"),
                comment=db_it.get_string("comment"),
                data_retention_time_in_days=db_it.get_number("retention"),
                is_transient=db_it.get_boolean("transient"),
                lifecycle=lifecycle,
            ),
            "databases",
        )
        schema_items = {
            f"{db}.{schema}": {
                "database": self.names[db],
                "name": schema,
                "comment": sspec.comment or f"{db}.{schema} ({tier}), managed by Tierform",
                # The provider models these two as strings ("true"/"false"/"default").
                "managed_access": _PROVIDER_BOOL[sspec.managed_access],
                "transient": _PROVIDER_BOOL[sspec.transient],
            }
            for db, spec in databases.items()
            for schema, sspec in spec.schemas.items()
        }
        self.schemas = None
        # A protected block stays, even empty: without it Terraform forgets prevent_destroy
        # and plans the deletes of the schemas it still has in state.
        if schema_items or protect_schemas:
            schema_it = iterator(schema_items)
            self.schemas = stable_address(
                Schema(
                    self,
                    "schemas",
                    for_each=schema_it,
                    provider=provider,
                    database=schema_it.get_string("database"),
                    name=schema_it.get_string("name"),
                    comment=schema_it.get_string("comment"),
                    with_managed_access=schema_it.get_string("managed_access"),
                    is_transient=schema_it.get_string("transient"),
                    depends_on=[self.database],
                    lifecycle=schema_lifecycle,
                ),
                "schemas",
            )
