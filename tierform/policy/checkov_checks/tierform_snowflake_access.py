"""Snowflake network-policy checks (the deeper access models). Attribute names are those of
the Snowflake provider 2.11 as they appear in cdk.tf.json."""

from __future__ import annotations

from typing import Any

from tierform_checklib import CheckCategories, InstanceCheck

# Any address at all: a policy allowing these restricts nothing.
OPEN_RANGES = {"0.0.0.0/0", "0.0.0.0"}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class NetworkPolicyNotOpen(InstanceCheck):
    ID = "CKV_TF_SF_009"
    NAME = "Snowflake network policies do not allow every address (0.0.0.0/0)"
    CATEGORY = CheckCategories.NETWORKING
    RESOURCES = ("snowflake_network_policy",)

    def problems(self, block, tier):
        allowed = [str(v).strip() for v in _as_list(block.get("allowed_ip_list"))]
        if any(v in OPEN_RANGES for v in allowed):
            return [
                "allowed_ip_list allows every address (0.0.0.0/0): the policy restricts nothing"
            ]
        return []


class ProtectedServiceUserNetworkPolicy(InstanceCheck):
    ID = "CKV_TF_SF_010"
    NAME = "Service users of protected tiers sign in under a network policy"
    CATEGORY = CheckCategories.NETWORKING
    RESOURCES = ("snowflake_service_user", "snowflake_legacy_service_user")

    def applies(self, tier):
        return bool(tier.get("protected"))

    def problems(self, block, tier):
        if not block.get("network_policy"):
            return ["no network_policy: a leaked key would work from anywhere"]
        return []


for _check in (NetworkPolicyNotOpen, ProtectedServiceUserNetworkPolicy):
    _check()
