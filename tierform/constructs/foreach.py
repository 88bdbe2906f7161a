"""The for_each convention: one resource over a map keyed by stable logical names.

Why: one construct per object costs ~7x the synth time at scale (DESIGN.md) and ties state
addresses to construct paths; `for_each` keeps addresses stable (`snowflake_schema.schemas["RAW.SHOP"]`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tierform.constructs import addresses, map_bypass
from tierform.constructs.framework import TerraformIterator, TerraformResource

# The literal map of each iterator made here, by its jsii object id: a synth-time check
# (stacks/guardrails.py) reads instance values from it instead of resolving the block's
# for_each token, which ships the whole map back from node (~0.5 s per 10,000 instances).
# jsii object ids are unique within the process; a synth process is short-lived.
_LITERAL_MAPS: dict[str, dict[str, dict[str, Any]]] = {}


def iterator(items: Mapping[str, Mapping[str, Any]]) -> TerraformIterator:
    """An iterator over `items` (key → attribute values), keys in sorted order for stable JSON.

    Inside Tierform's app the map itself bypasses jsii (constructs/map_bypass.py): cdktf gets
    a placeholder and the map is spliced into the written JSON."""
    literal = {key: dict(items[key]) for key in sorted(items)}
    bypass = map_bypass.active()
    placeholder = bypass.placeholder(literal) if bypass is not None else None
    made = TerraformIterator.from_map(placeholder if placeholder is not None else literal)
    ref = _jsii_ref(made)
    if ref is not None:
        _LITERAL_MAPS[ref] = literal
    return made


def literal_map(for_each: Any) -> dict[str, dict[str, Any]] | None:
    """The map an iterator of `iterator()` was made from (a resource's `for_each`), or None."""
    ref = _jsii_ref(for_each)
    return _LITERAL_MAPS.get(ref) if ref is not None else None


def _jsii_ref(obj: Any) -> str | None:
    ref = getattr(getattr(obj, "__jsii_ref__", None), "ref", None)
    return ref if isinstance(ref, str) else None


def stable_address(resource: TerraformResource, name: str) -> TerraformResource:
    """Give a resource a readable, refactor-proof Terraform address: `<type>.<name>`,
    claimed in its stack (tierform/constructs/addresses.py: never silently shared)."""
    return addresses.stable_address(resource, name)


def instance_attribute(resource: TerraformResource, key: str, attribute: str) -> str:
    """`${<type>.<name>["<key>"].<attribute>}`: one instance's attribute of a for_each
    resource, for a field of another resource (cdktf has no typed accessor for this)."""
    # The address stable_address gave it (a resource's kind is its type), else from cdktf.
    kind, name = resource.__dict__.get(addresses.ADDRESS) or (None, None)
    if kind is None or kind.startswith("data."):
        kind, name = resource.terraform_resource_type, resource.friendly_unique_id
    address = f"{kind}.{name}"
    return f'${{{address}["{key}"].{attribute}}}'
