"""The for_each convention: one resource over a map keyed by stable logical names.

Why: one construct per object costs ~7x the synth time at scale (DESIGN.md) and ties state
addresses to construct paths; `for_each` keeps addresses stable (`snowflake_schema.schemas["RAW.SHOP"]`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tierform.constructs import addresses, map_bypass
from tierform.constructs.framework import TerraformIterator, TerraformResource

# The literal map of each iterator made here, by its jsii object id: a synth-time check
# (stacks/guardrails.py) reads instance values from it instead of resolving the block's
# for_each token, which ships the whole map back from node (~0.5 s per 10,000 instances).
# jsii object ids are unique within the process; a synth process is short-lived.
_LITERAL_MAPS: dict[str, dict[str, dict[str, Any]]] = {}
# cdktf's test for an attribute written as `.name` (tfExpression.js TERRAFORM_IDENTIFIER_REGEX);
# any other is written `["a-b"]`, which is left to cdktf.
_IDENTIFIER = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*")


def iterator(items: Mapping[str, Mapping[str, Any]]) -> TerraformIterator:
    """An iterator over `items` (key → attribute values), keys in sorted order for stable JSON.

    Inside Tierform's app the map itself bypasses jsii (constructs/map_bypass.py): cdktf gets
    a placeholder and the map is spliced into the written JSON."""
    literal = {key: dict(items[key]) for key in sorted(items)}
    bypass = map_bypass.active()
    placeholder = bypass.placeholder(literal) if bypass is not None else None
    made = TerraformIterator.from_map(placeholder if placeholder is not None else literal)
    if bypass is not None:
        # An instance attribute shadows the class's method: see `_each_string`. Like the
        # bypass, only in Tierform's app: TIERFORM_MAP_BYPASS=0 gives cdktf's own tokens.
        made.__dict__["get_string"] = _each_string(made.get_string)
    ref = _jsii_ref(made)
    if ref is not None:
        _LITERAL_MAPS[ref] = literal
    return made


def _each_string(through_cdktf: Any) -> Any:
    """`get_string` of a resource's for_each iterator without a jsii round trip (165 at 50k).

    cdktf's token for `getString("name")` resolves, as an attribute value at a resource's
    root and in its dynamic blocks, to `${each.value.name}`; the same text given as a plain
    string is written as is (cdktf only rewrites `${TfToken[...]}`), inside a longer string
    too. Not the same inside any cdktf expression built around it (`Fn.*`, `Op.*`, a
    conditional, a for-expression): there a plain string is a quoted literal, and cdktf
    escapes its `${`. Tierform's constructs build no such expressions (the framework seam
    exports none; `tests/unit/test_map_bypass.py` checks both that and the JSON against
    cdktf's own tokens)."""

    def get_string(attribute: str) -> str:
        if _IDENTIFIER.fullmatch(attribute):
            return f"${{each.value.{attribute}}}"
        return through_cdktf(attribute)

    return get_string


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
    address = addresses.chosen_address(resource)
    if address is None or address.startswith("data."):
        address = f"{resource.terraform_resource_type}.{resource.friendly_unique_id}"
    return f'${{{address}["{key}"].{attribute}}}'
