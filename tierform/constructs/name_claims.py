"""In one stack, no two environment constructs may make the same physical object.

The loader refuses two tiers making one name in one namespace (config/shared_names.py: a
Snowflake account's databases, an AWS account's IAM roles, global bucket names). A library
user's stack can hold two environments of one section (`address_prefix` keeps their
Terraform addresses apart): with the same tier name and naming rule, or sections that name
the same objects, both would create `RAW_PROD` in one account, and the second create fails
at apply, after the first half of the plan ran. The same rule, per stack, at construction.

Tierform's own stacks hold one environment per section and are checked by the loader.
"""

from __future__ import annotations

from typing import Any

from tierform.config.shared_names import claims
from tierform.config.tier import TierSpec
from tierform.constructs.addresses import building_stack
from tierform.constructs.framework import IConstruct, TerraformStack

_NAMES = "_tierform_physical_names"


class NameConflict(ValueError):
    """Two environment constructs of one stack make one physical object."""


def claim_names(scope: IConstruct, tier: TierSpec) -> None:
    """Record the physical names `scope` (an environment construct) makes in its stack."""
    if building_stack() is not None:
        return  # one of Tierform's tier stacks: one environment per section
    stack: Any = TerraformStack.of(scope)
    owners: dict[tuple[tuple[str, ...], str, str], IConstruct] = stack.__dict__.setdefault(
        _NAMES, {}
    )
    for namespace, kind, name, path in claims(tier):
        owner = owners.setdefault((namespace, kind, name.lower()), scope)
        if owner is not scope:
            raise NameConflict(
                f"stack {stack.node.id!r}: {owner.node.path!r} and {scope.node.path!r} both "
                f"make the {kind} {name!r} ({namespace[0]}; field {'.'.join(map(str, path))}): "
                "the second create would fail at apply. Give one of them another tier name "
                "or naming pattern (its props' `tier`, `naming`), other names, or its own "
                "account"
            )


__all__ = ["NameConflict", "claim_names"]
