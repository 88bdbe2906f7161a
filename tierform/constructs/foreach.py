"""The for_each convention: one resource over a map keyed by stable logical names.

Why: one construct per object costs ~7x the synth time at scale (DESIGN.md) and ties state
addresses to construct paths; `for_each` keeps addresses stable (`snowflake_schema.schemas["RAW.SHOP"]`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tierform.constructs import addresses
from tierform.constructs.framework import TerraformIterator, TerraformResource


def iterator(items: Mapping[str, Mapping[str, Any]]) -> TerraformIterator:
    """An iterator over `items` (key → attribute values), keys in sorted order for stable JSON."""
    return TerraformIterator.from_map({key: dict(items[key]) for key in sorted(items)})


def stable_address(resource: TerraformResource, name: str) -> TerraformResource:
    """Give a resource a readable, refactor-proof Terraform address: `<type>.<name>`,
    claimed in its stack (tierform/constructs/addresses.py: never silently shared)."""
    return addresses.stable_address(resource, name)


def instance_attribute(resource: TerraformResource, key: str, attribute: str) -> str:
    """`${<type>.<name>["<key>"].<attribute>}`: one instance's attribute of a for_each
    resource, for a field of another resource (cdktf has no typed accessor for this)."""
    address = f"{resource.terraform_resource_type}.{resource.friendly_unique_id}"
    return f'${{{address}["{key}"].{attribute}}}'
