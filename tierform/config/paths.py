"""Walking raw YAML data along a field path (keys of mappings, indexes of lists)."""

from __future__ import annotations

from typing import Any

_MISSING = object()


def child(node: Any, step: str | int) -> Any:
    """`node[step]` when that exists in the raw data, else the MISSING marker."""
    if isinstance(node, dict) and step in node:
        return node[step]
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return node[step]
    return _MISSING


def is_missing(value: Any) -> bool:
    return value is _MISSING
