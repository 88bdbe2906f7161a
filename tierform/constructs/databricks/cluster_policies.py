"""Cluster policies: the guardrails every cluster of the tier runs under."""

from __future__ import annotations

import json

from tierform.config.databricks import ClusterPolicySpec
from tierform.constructs.databricks.bindings import ClusterPolicy
from tierform.constructs.databricks.permissions import object_permissions
from tierform.constructs.foreach import instance_attribute, iterator, stable_address
from tierform.constructs.framework import Construct, TerraformProvider, TerraformResource


def policy_definition(spec: ClusterPolicySpec, cost_tags: dict[str, str]) -> dict:
    """Auto-termination capped (and defaulted) at the policy's value, node types allow-listed,
    workers capped, cost tags fixed so no cluster can drop or change them."""
    nodes = list(spec.node_types)
    definition: dict = {
        "autotermination_minutes": {
            "type": "range",
            "minValue": 10,
            "maxValue": spec.auto_termination_minutes,
            "defaultValue": spec.auto_termination_minutes,
        },
        "node_type_id": {"type": "allowlist", "values": nodes, "defaultValue": nodes[0]},
        "driver_node_type_id": {"type": "allowlist", "values": nodes, "defaultValue": nodes[0]},
        "num_workers": {"type": "range", "maxValue": spec.max_workers},
        "autoscale.max_workers": {"type": "range", "maxValue": spec.max_workers},
        "spark_version": {"type": "unlimited", "defaultValue": spec.spark_version},
    }
    for key, value in sorted(cost_tags.items()):
        definition[f"custom_tags.{key}"] = {"type": "fixed", "value": value}
    return definition


class ClusterPolicies(Construct):
    """`databricks_cluster_policy.policies[<POLICY>]` and
    `databricks_permissions.cluster_policies[<POLICY>]` (`access`: logical policy → its
    access entries, already resolved to groups and the service principal).

    Attributes: `names`, `policies`, `permissions`, `ids` (logical → policy id reference).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        policies: dict[str, ClusterPolicySpec],
        physical_name: dict[str, str],
        cost_tags: dict[str, str],
        tier: str,
        access: dict[str, list[dict[str, str]]],
        provider: TerraformProvider,
        depends_on: list[TerraformResource],
    ):
        super().__init__(scope, id)
        self.names = dict(physical_name)
        self.ids: dict[str, str] = {}
        self.policies: ClusterPolicy | None = None
        self.permissions = None
        if not policies:
            return
        it = iterator(
            {
                logical: {
                    "name": self.names[logical],
                    "description": spec.description or f"{logical} ({tier}), managed by Tierform",
                    "definition": json.dumps(policy_definition(spec, cost_tags), sort_keys=True),
                }
                for logical, spec in policies.items()
            }
        )
        self.policies = stable_address(
            ClusterPolicy(
                self,
                "policies",
                for_each=it,
                provider=provider,
                name=it.get_string("name"),
                description=it.get_string("description"),
                definition=it.get_string("definition"),
            ),
            "policies",
        )
        self.ids = {
            logical: instance_attribute(self.policies, logical, "id") for logical in policies
        }
        self.permissions = object_permissions(
            self,
            "cluster_policies",
            object_field="cluster_policy_id",
            objects={
                logical: {"object_id": self.ids[logical], "access": access[logical]}
                for logical in policies
            },
            provider=provider,
            depends_on=[self.policies, *depends_on],
        )
