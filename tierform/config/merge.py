"""Tier inheritance (`extends:`): deep merge, and which file a field came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tierform.config.paths import child, is_missing

# Keys that belong to one file and are never inherited: what a tier is, and whom it extends.
NOT_INHERITED = ("kind", "extends", "protected", "retire")
# A mapping that names its kind with one of these keys is replaced, not merged, when the
# overriding file names another kind: dev switching `airflow.flavor` from mwaa to local (or a
# backend from s3 to gcs) must not inherit the other kind's settings.
DISCRIMINATORS = ("flavor", "type")


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; anything else (lists, scalars) is replaced.

    `key: null` in the overriding file removes what it inherited.
    """
    result = dict(base)
    for key, value in override.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = (
                value if _kind_changes(result[key], value) else deep_merge(result[key], value)
            )
        else:
            result[key] = value
    return result


def _kind_changes(base: dict[str, Any], override: dict[str, Any]) -> bool:
    return any(
        key in override and key in base and override[key] != base[key] for key in DISCRIMINATORS
    )


@dataclass(frozen=True)
class Layer:
    """One file in an inheritance chain, nearest (the tier's own file) first."""

    file: str
    data: dict[str, Any]


def _depth(data: Any, path: Sequence[str | int]) -> tuple[int, bool]:
    """How many steps of `path` exist in `data`, and whether the whole path does."""
    current = data
    for depth, step in enumerate(path):
        current = child(current, step)
        if is_missing(current):
            return depth, False
    return len(path), True


def file_for(chain: Sequence[Layer], path: Sequence[str | int]) -> str:
    """The file that set the field at `path`: the nearest one holding it, else the one
    holding most of the path (a missing field is reported where its parent is).

    Files beyond one that cut the inheritance of the path (`key: null`, or a mapping that
    names another `type`/`flavor` and so replaces what it inherited) do not count: a
    bucket missing from qa.yaml's new `store: {type: gcs}` is qa.yaml's, not prod.yaml's."""
    best, best_depth = chain[0].file, -1
    for index, layer in enumerate(chain):
        depth, complete = _depth(layer.data, path)
        if complete:
            return layer.file
        if depth > best_depth:
            best, best_depth = layer.file, depth
        if _cuts(layer, chain[index + 1 :], path):
            return best
    return best


def _cuts(layer: Layer, parents: Sequence[Layer], path: Sequence[str | int]) -> bool:
    """Whether `layer` stops `path` from being inherited from `parents`."""
    current: Any = layer.data
    for depth, step in enumerate(path):
        current = child(current, step)
        if current is None:
            return True  # `key: null`
        if is_missing(current) or not isinstance(current, dict):
            return False
        prefix = path[: depth + 1]
        for parent in parents:
            inherited = _value(parent.data, prefix)
            if isinstance(inherited, dict):
                if _kind_changes(inherited, current):
                    return True
                break
    return False


def _value(data: Any, path: Sequence[str | int]) -> Any:
    current = data
    for step in path:
        current = child(current, step)
        if is_missing(current):
            return None
    return current
