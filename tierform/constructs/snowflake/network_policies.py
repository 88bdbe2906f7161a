"""Network policies of a tier: where its service users may sign in from.

Account-level objects, so they follow the tier's naming rule (SERVICES → SERVICES_PROD).
SECURITYADMIN holds CREATE NETWORK POLICY by default, so the security alias creates them;
a service user names its policy (`network_policy`), which the service user resource sets.
"""

from __future__ import annotations

from tierform.config.snowflake_access import NetworkPolicySpec
from tierform.constructs.foreach import iterator, stable_address
from tierform.constructs.framework import (
    Construct,
    TerraformProvider,
)
from tierform.constructs.snowflake.bindings import (
    NetworkPolicy,
)


class SnowflakeNetworkPolicies(Construct):
    """`snowflake_network_policy.network_policies[<POLICY>]`.

    Attributes: `names` (logical → physical), `policies` (the resource, or None).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        policies: dict[str, NetworkPolicySpec],
        physical_name: dict[str, str],
        tier: str,
        provider: TerraformProvider,
    ):
        super().__init__(scope, id)
        self.names = {logical: physical_name[logical] for logical in policies}
        self.policies: NetworkPolicy | None = None
        if not policies:
            return
        it = iterator(
            {
                logical: {
                    "name": self.names[logical],
                    "comment": spec.comment or f"{logical} ({tier}), managed by Tierform",
                    "allowed_ip_list": list(spec.allowed_ip_list),
                    "blocked_ip_list": list(spec.blocked_ip_list),
                }
                for logical, spec in policies.items()
            }
        )
        self.policies = stable_address(
            NetworkPolicy(
                self,
                "network_policies",
                for_each=it,
                provider=provider,
                name=it.get_string("name"),
                comment=it.get_string("comment"),
                allowed_ip_list=it.get_list("allowed_ip_list"),
                blocked_ip_list=it.get_list("blocked_ip_list"),
            ),
            "network_policies",
        )
