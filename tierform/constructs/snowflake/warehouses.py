"""Warehouses for one tier, all under the tier's resource monitor when it has one."""

from __future__ import annotations

from tierform.config.snowflake import ResourceMonitorSpec, WarehouseSpec
from tierform.constructs.foreach import iterator, stable_address
from tierform.constructs.framework import Construct, TerraformProvider
from tierform.constructs.snowflake.bindings import ResourceMonitor, Warehouse


class SnowflakeWarehouses(Construct):
    """`snowflake_warehouse.warehouses[<WH>]` and `snowflake_resource_monitor.monitor`.

    Attributes: `names` (logical → physical), `warehouse`, `monitor` (or None).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        warehouses: dict[str, WarehouseSpec],
        physical_name: dict[str, str],
        monitor: ResourceMonitorSpec | None,
        monitor_name: str,
        tier: str,
        provider: TerraformProvider,
        monitor_provider: TerraformProvider | None,
    ):
        super().__init__(scope, id)
        self.names = {logical: physical_name[logical] for logical in warehouses}
        self.monitor = None
        if monitor is not None:
            assert monitor_provider is not None, "resource monitors need the ACCOUNTADMIN provider"
            self.monitor = stable_address(
                ResourceMonitor(
                    self,
                    "monitor",
                    provider=monitor_provider,
                    name=monitor_name,
                    credit_quota=monitor.credit_quota,
                    frequency=monitor.frequency,
                    # Snowflake requires a start timestamp with a frequency; IMMEDIATELY is the
                    # documented value for "from now on".
                    start_timestamp="IMMEDIATELY",
                    notify_triggers=monitor.notify_at or None,
                    suspend_trigger=monitor.suspend_at,
                    suspend_immediate_trigger=monitor.suspend_immediately_at,
                    notify_users=monitor.notify_users or None,
                ),
                "monitor",
            )
        items = {
            logical: {
                "name": self.names[logical],
                "size": spec.size,
                "auto_suspend": spec.auto_suspend,
                # The provider models auto_resume as a string ("true"/"false"/"default").
                "auto_resume": str(spec.auto_resume).lower(),
                "initially_suspended": spec.initially_suspended,
                "min_clusters": spec.min_cluster_count,
                "max_clusters": spec.max_cluster_count,
                "comment": spec.comment or f"{logical} ({tier}), managed by Tierform",
            }
            for logical, spec in warehouses.items()
        }
        self.warehouse = None
        if items:
            it = iterator(items)
            self.warehouse = stable_address(
                Warehouse(
                    self,
                    "warehouses",
                    for_each=it,
                    provider=provider,
                    name=it.get_string("name"),
                    warehouse_size=it.get_string("size"),
                    auto_suspend=it.get_number("auto_suspend"),
                    auto_resume=it.get_string("auto_resume"),
                    initially_suspended=it.get_boolean("initially_suspended"),
                    min_cluster_count=it.get_number("min_clusters"),
                    max_cluster_count=it.get_number("max_clusters"),
                    comment=it.get_string("comment"),
                    resource_monitor=self.monitor.name if self.monitor else None,
                ),
                "warehouses",
            )
