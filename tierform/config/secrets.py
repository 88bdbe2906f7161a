"""Secrets pasted into configuration: recognised by shape anywhere in the YAML, refused, and
never printed. The shapes themselves are defined once, in the module the release-step
check loads inside checkov (tierform/policy/checkov_checks/tierform_secret_shapes.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tierform.config.errors import SECRET_MESSAGE
from tierform.policy.checkov_checks.tierform_secret_shapes import (
    SECRET_FLAG,
    find_secret,
    is_public_key,
    is_secret_key,
    mask_secrets,
)

__all__ = ["find_secret", "is_public_key", "mask_secrets", "secrets_in"]

# (field path, message), as in references.py
Problem = tuple[list[str | int], str]


def secrets_in(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[Problem]:
    """Every string (keys included) of raw YAML data that holds a secret: by its shape, or
    written down under a key that names a secret (`smtp_password: …`) or after a flag that
    takes one (`[--password, …]`)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and (what := find_secret(key)):
                yield [*path, "<key>"], _message(what)
            if isinstance(key, str) and is_secret_key(key) and _written_down(value):
                yield [*path, key], _message(f"a secret written down under {key!r}")
                continue
            yield from secrets_in(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            flag = data[index - 1] if index else None
            after_flag = isinstance(flag, str) and SECRET_FLAG.fullmatch(flag) is not None
            if after_flag and _written_down(value) and not str(value).startswith("-"):
                yield [*path, index], _message(f"a secret written down after {flag}")
                continue
            yield from secrets_in(value, (*path, index))
    elif isinstance(data, str) and (what := find_secret(data)):
        yield list(path), _message(what)


def _written_down(value: Any) -> bool:
    """A literal value, not one read from elsewhere: a reference (`${…}`, `$NAME`) or a
    template (`{{ … }}`) is fine, and so is an empty one."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return False
    text = str(value).strip()
    return bool(text) and not text.startswith("$") and "{{" not in text


def _message(what: str) -> str:
    return (
        f"{SECRET_MESSAGE}{what} (not shown); secrets never go in configuration "
        "(it is committed and reaches the synthesized JSON): pass them through the "
        "environment or a secret store"
    )
