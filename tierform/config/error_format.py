"""Turn pydantic's validation errors into `file: field.path: what was expected` lines."""

from __future__ import annotations

import datetime as dt
import re
import reprlib
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError

from tierform.config.errors import NOT_SHOWN, ConfigIssue
from tierform.config.paths import child, is_missing
from tierform.config.secrets import find_secret

Loc = tuple[str | int, ...]


# Bounded at every level: a value built from YAML aliases can be exponentially large, and
# repr() of it whole would pin a CPU (a 417-byte alias bomb took over 10 minutes).
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxdict, _REPR.maxlist, _REPR.maxtuple, _REPR.maxset = 2, 4, 4, 4, 4
_REPR.maxstring = _REPR.maxother = 60


def shorten(value: Any, limit: int = 60) -> str:
    """A value as messages show it: repr-like, at most `limit` characters, never a secret."""
    if isinstance(value, str) and (what := find_secret(value)):
        return f"<{what}{NOT_SHOWN}"
    text = _REPR.repr(value)
    if find_secret(text):
        return f"<a value holding a secret{NOT_SHOWN}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


_short = shorten


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing (null)"
    if isinstance(value, dt.date):  # `2026-12-31` unquoted (a datetime is a date too)
        return "a date"
    return type(value).__name__


def _choices(expected: str) -> str:
    # pydantic says "'A', 'B' or 'C'"; we say "A, B, C".
    return ", ".join(re.findall(r"'([^']*)'", expected)) or expected


_EXPECTED_TYPE = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "string_type": "a string",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
    "tuple_type": "a list",
}


def describe(error: dict[str, Any]) -> str:
    """One readable sentence for one pydantic error."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind in ("unknown_key", "field_error"):
        return error["msg"]
    if kind in ("literal_error", "enum"):
        return f"{_short(value)} is not one of {_choices(str(ctx.get('expected', '')))}"
    if kind in _EXPECTED_TYPE:
        return _wrong_type([_EXPECTED_TYPE[kind]], value)
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']}, got {_short(value)}"
    if kind == "greater_than":
        return f"must be greater than {ctx['gt']}, got {_short(value)}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}, got {_short(value)}"
    if kind == "less_than":
        return f"must be less than {ctx['lt']}, got {_short(value)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        return f"{_short(value)} does not match the pattern {ctx.get('pattern')}"
    if kind == "union_tag_invalid":
        return f"{_short(ctx.get('tag'))} is not one of {_choices(str(ctx.get('expected_tags')))}"
    if kind == "union_tag_not_found":
        return "required field is missing (it says which kind this is)"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return f"{error['msg']} (got {_short(value)})"


def _wrong_type(expected: list[str], value: Any) -> str:
    """`expected a string or a mapping, got a number 2.1`, with a hint when quoting fixes it."""
    text = f"expected {' or '.join(expected)}, got {_type_name(value)} {_short(value)}"
    if "a string" in expected and isinstance(value, int | float | dt.date):
        # YAML typed what was written (2.10 is the number 2.1, 0123 is 123): quotes keep it.
        text += " (put it in quotes to keep it as written)"
    return text


def display_path(loc: Loc, data: Any) -> list[str | int]:
    """The field path as the user wrote it.

    pydantic inserts steps that are not keys in the input (a union member's tag, a
    function-validator name, `[key]` for a mapping key): follow the input and drop them.
    """
    path: list[str | int] = []
    current = data
    for step in loc:
        found = child(current, step)
        if not is_missing(found):
            current = found
            path.append(step)
        elif _is_inserted_step(step, current):
            continue
        else:
            # A key that is absent (e.g. a missing field): keep it, nothing below it exists.
            path.append(step)
            current = None
    return path


def _is_inserted_step(step: str | int, current: Any) -> bool:
    """A loc step pydantic added that is not a key of the input."""
    if step == "[key]" or not isinstance(current, dict | list):
        return True
    return isinstance(step, str) and (isinstance(current, list) or _looks_like_tag(step, current))


def _looks_like_tag(step: str, current: dict) -> bool:
    return any(step == value for value in current.values() if isinstance(value, str)) or (
        step.startswith("function-") or "[" in step
    )


def join_path(path: Sequence[str | int]) -> str:
    # A key is shown as written unless it would break the one-line message (a newline,
    # 300 characters, a pasted key): then quoted and shortened like a value.
    return ".".join(
        str(part) if str(part).isprintable() and len(str(part)) <= 60 else shorten(part)
        for part in path
    )


def issues_from_validation(
    exc: ValidationError,
    data: Any,
    file_for: Callable[[Sequence[str | int]], str],
    written_as: dict[str, str] | None = None,
) -> list[ConfigIssue]:
    """Every error of `exc`, each attributed to the file that holds (or lacks) the field.
    `written_as` names a top-level field the model fills from another one by what the
    user wrote (`tier_entries` from `tiers`), so its errors are said, and merged, there."""
    issues: list[ConfigIssue] = []
    seen: set[tuple[str, str]] = set()
    # A field that takes one of several types (a tier: a name or a mapping) fails once per
    # type; said once: "expected a string or a mapping".
    wrong_type: dict[str, tuple[int, list[str]]] = {}
    for error in exc.errors(include_url=False):
        path = display_path(error["loc"], data)
        if written_as and path and path[0] in written_as:
            path = [written_as[str(path[0])], *path[1:]]
        if error["type"] == "unknown_key":
            path = [*path, error["ctx"]["key"]]
        elif error["type"] == "field_error":  # a model-level check about one of its fields
            path = [*path, error["ctx"]["field"]]
        elif error["type"] in ("union_tag_invalid", "union_tag_not_found"):
            path = [*path, str(error["ctx"]["discriminator"]).strip("'")]
        text = join_path(path)
        key = (text, error["type"])
        if key in seen:
            continue
        seen.add(key)
        expected = _EXPECTED_TYPE.get(error["type"])
        if expected and text in wrong_type:
            index, types = wrong_type[text]
            if expected not in types:
                types.append(expected)
                issue = issues[index]
                issues[index] = ConfigIssue(
                    issue.file, issue.path, _wrong_type(types, error.get("input"))
                )
            continue
        if expected:
            wrong_type[text] = (len(issues), [expected])
        issues.append(ConfigIssue(file_for(path), text, describe(error)))
    return issues
