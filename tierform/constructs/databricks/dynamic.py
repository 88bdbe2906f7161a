"""Dynamic blocks for for_each resources whose nested blocks differ per instance.

cdktf's `TerraformIterator.dynamic` names its iterator `each` (shadowing the resource's own
`each`) and cannot nest (hashicorp/terraform-cdk#2246), so the blocks are written here as
Terraform JSON with explicit iterator names. Field names are checked against the provider's
typed struct class, so a misspelt attribute fails at synth time, not at plan time.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from tierform.constructs.framework import TerraformResource


def dynamic(
    struct: type, *, for_each: str, iterator: str, content: Mapping[str, Any]
) -> dict[str, Any]:
    """One `dynamic` block spec. `content` may hold a nested `dynamic` mapping."""
    fields = set(inspect.signature(struct.__init__).parameters) - {"self"}
    unknown = set(content) - fields - {"dynamic"}
    for name, value in content.items():
        if name == "dynamic":
            unknown |= set(value) - fields
    if unknown:
        raise TypeError(f"{struct.__name__} has no field(s) {sorted(unknown)}")
    return {"for_each": for_each, "iterator": iterator, "content": dict(content)}


def set_dynamic_blocks(resource: TerraformResource, blocks: Mapping[str, dict[str, Any]]) -> None:
    """Replace static blocks of `resource` by dynamic ones (block name → `dynamic()` spec).

    A placeholder given to the typed constructor for a required block is removed first.
    """
    for name in blocks:
        resource.add_override(name, None)
    resource.add_override("dynamic", dict(blocks))
