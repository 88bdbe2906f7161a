"""SQL warehouses (`databricks_sql_endpoint`): size, cluster counts and auto-stop per tier."""

from __future__ import annotations

from tierform.config.databricks import SqlWarehouseSpec
from tierform.constructs.databricks.bindings import (
    SqlEndpoint,
    SqlEndpointTags,
    SqlEndpointTagsCustomTags,
)
from tierform.constructs.databricks.permissions import object_permissions
from tierform.constructs.foreach import instance_attribute, iterator, stable_address
from tierform.constructs.framework import Construct, TerraformProvider, TerraformResource


class SqlWarehouses(Construct):
    """`databricks_sql_endpoint.warehouses[<WAREHOUSE>]` and
    `databricks_permissions.sql_warehouses[<WAREHOUSE>]`.

    Attributes: `names`, `warehouses`, `permissions`, `ids` (logical → warehouse id reference).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        warehouses: dict[str, SqlWarehouseSpec],
        physical_name: dict[str, str],
        cost_tags: dict[str, str],
        access: dict[str, list[dict[str, str]]],
        provider: TerraformProvider,
        depends_on: list[TerraformResource],
    ):
        super().__init__(scope, id)
        self.names = dict(physical_name)
        self.ids: dict[str, str] = {}
        self.warehouses: SqlEndpoint | None = None
        self.permissions = None
        if not warehouses:
            return
        it = iterator(
            {
                logical: {
                    "name": self.names[logical],
                    "size": spec.size,
                    "min_clusters": spec.min_clusters,
                    "max_clusters": spec.max_clusters,
                    "auto_stop_mins": spec.auto_stop_mins,
                    "serverless": spec.serverless,
                }
                for logical, spec in warehouses.items()
            }
        )
        self.warehouses = stable_address(
            SqlEndpoint(
                self,
                "warehouses",
                for_each=it,
                provider=provider,
                name=it.get_string("name"),
                cluster_size=it.get_string("size"),
                min_num_clusters=it.get_number("min_clusters"),
                max_num_clusters=it.get_number("max_clusters"),
                auto_stop_mins=it.get_number("auto_stop_mins"),
                enable_serverless_compute=it.get_boolean("serverless"),
                # PRO runs both serverless and classic; the cost tags are the same for all.
                warehouse_type="PRO",
                tags=SqlEndpointTags(
                    custom_tags=[
                        SqlEndpointTagsCustomTags(key=k, value=v)
                        for k, v in sorted(cost_tags.items())
                    ]
                ),
            ),
            "warehouses",
        )
        self.ids = {
            logical: instance_attribute(self.warehouses, logical, "id") for logical in warehouses
        }
        self.permissions = object_permissions(
            self,
            "sql_warehouses",
            object_field="sql_endpoint_id",
            objects={
                logical: {"object_id": self.ids[logical], "access": access[logical]}
                for logical in warehouses
            },
            provider=provider,
            depends_on=[self.warehouses, *depends_on],
        )
