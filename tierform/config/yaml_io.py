"""YAML reading that refuses what PyYAML would silently accept (duplicate keys)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tierform.config.errors import ConfigError, ConfigIssue


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys instead of keeping the last one."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            line = key_node.start_mark.line + 1
            raise _DuplicateKey(key, line)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int):
        self.key, self.line = key, line


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml_mapping(path: Path, display: str) -> dict[str, Any]:
    """Read a YAML file whose top level must be a mapping; `display` is the name used in errors."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([ConfigIssue(display, "", "file not found")]) from None
    except OSError as exc:
        raise ConfigError([ConfigIssue(display, "", f"cannot read file: {exc.strerror}")]) from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except _DuplicateKey as dup:
        raise ConfigError(
            [ConfigIssue(display, "", f"line {dup.line}: duplicate key {dup.key!r}")]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            [ConfigIssue(display, "", f"YAML syntax error: {where}{problem}")]
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(
            [ConfigIssue(display, "", f"expected a mapping at the top level, got {_kind(data)}")]
        )
    return data


def _kind(value: Any) -> str:
    return {
        list: "a list",
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "a boolean",
    }.get(type(value), type(value).__name__)
