"""Secrets pasted into configuration: recognised by shape anywhere in the YAML, refused, and
never printed. The shapes themselves are defined once, in the module the release-step
check loads inside checkov (tierform/policy/checkov_checks/tierform_secret_shapes.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tierform.policy.checkov_checks.tierform_secret_shapes import (
    find_secret,
    is_public_key,
    mask_secrets,
)

__all__ = ["find_secret", "is_public_key", "mask_secrets", "secrets_in"]

# (field path, message), as in references.py
Problem = tuple[list[str | int], str]


def secrets_in(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[Problem]:
    """Every string (keys included) of raw YAML data that holds a secret."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and (what := find_secret(key)):
                yield [*path, "<key>"], _message(what)
            yield from secrets_in(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from secrets_in(value, (*path, index))
    elif isinstance(data, str) and (what := find_secret(data)):
        yield list(path), _message(what)


def _message(what: str) -> str:
    return (
        f"holds what looks like {what} (not shown); secrets never go in configuration "
        "(it is committed and reaches the synthesized JSON): pass them through the "
        "environment or a secret store"
    )
