"""In a library user's stack, no block of theirs may share an address with one of ours.

cdktf writes every element of a stack under its logical id and merges two elements with the
same one into one JSON block without a word: a user's `DataResource(stack, "release_dbt")`
next to a ReleaseStep became one `terraform_data.release_dbt` holding both's triggers, a
`TerraformOutput(stack, "airflow_dag_bucket")` was replaced by ours, a variable of theirs
gave ours a default. Tierform's own claims (addresses.py) cover the blocks Tierform chooses
addresses for; this covers everything else in the stack, at synth, when every logical id is
final: an ERROR annotation (which fails `app.synth()`) names both constructs.

Only in stacks Tierform does not build itself: its own stacks hold nothing but its constructs,
whose addresses are claimed, and a visit per construct would cost their synth a callback each.
"""

from __future__ import annotations

from typing import Any

import jsii

from tierform.constructs.framework import (
    Annotations,
    Aspects,
    IAspect,
    IConstruct,
    TerraformDataSource,
    TerraformOutput,
    TerraformProvider,
    TerraformResource,
    TerraformVariable,
)

_CHECKED = "_tierform_address_check"


def _address(node: IConstruct) -> str | None:
    """The address a stack element is written under (what cdktf merges on), or None."""
    if isinstance(node, TerraformResource):
        return f"{node.terraform_resource_type}.{node.friendly_unique_id}"
    if isinstance(node, TerraformDataSource):
        return f"data.{node.terraform_resource_type}.{node.friendly_unique_id}"
    if isinstance(node, TerraformOutput):
        return f"output.{node.friendly_unique_id}"
    if isinstance(node, TerraformVariable):
        return f"var.{node.friendly_unique_id}"
    if isinstance(node, TerraformProvider):
        # Two blocks of one provider with one alias: "Duplicate provider configuration".
        return f"provider.{node.terraform_resource_type}.{node.alias or '(default)'}"
    return None


@jsii.implements(IAspect)
class DistinctAddresses:
    def __init__(self) -> None:
        self.seen: dict[str, IConstruct] = {}

    def visit(self, node: IConstruct) -> None:
        address = _address(node)
        if address is None:
            return
        first = self.seen.setdefault(address, node)
        if first is not node:
            Annotations.of(node).add_error(
                f"{address} is written by both {first.node.path!r} and {node.node.path!r}: "
                "cdktf would merge them into one block. Give one of them another id, or "
                "Tierform's construct an address_prefix"
            )


def check_stack(stack: Any) -> None:
    """Check `stack` (a library user's, holding a Tierform construct) once, at synth."""
    if stack.__dict__.get(_CHECKED):
        return
    stack.__dict__[_CHECKED] = True
    Aspects.of(stack).add(DistinctAddresses())


__all__ = ["check_stack"]
