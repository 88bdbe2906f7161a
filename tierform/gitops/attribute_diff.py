"""Which attributes of a changed resource change, before → after, safe to show in a PR.

Read from one `resource_changes[].change` of `terraform show -json`. The plan JSON holds
sensitive values in clear text; `before_sensitive`/`after_sensitive` mark them (the same
shape as the value, `true` where sensitive). They are masked here, while parsing, so no
secret ever reaches a record the renderer sees. Values Terraform learns only at apply are
marked in `after_unknown` and shown as "(known after apply)".

Objects and maps are walked key by key (`triggers_replace.content_sha256`); lists and sets
are compared whole, because an insertion would otherwise show every later index as changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

SENSITIVE = "(sensitive)"
UNKNOWN = "(known after apply)"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class AttributeChange:
    path: str
    before: str | None  # display text; None: not set
    after: str | None


def changed_attributes(change: dict[str, Any]) -> tuple[AttributeChange, ...]:
    found: list[AttributeChange] = []
    _walk(
        "",
        change.get("before"),
        change.get("after"),
        change.get("after_unknown"),
        change.get("before_sensitive"),
        change.get("after_sensitive"),
        found,
    )
    return tuple(found)


def _walk(
    path: str,
    before: Any,
    after: Any,
    unknown: Any,
    before_sensitive: Any,
    after_sensitive: Any,
    found: list[AttributeChange],
) -> None:
    if unknown is not True and _is_map(before, after, unknown):
        keys = set(_as_dict(before)) | set(_as_dict(after)) | set(_as_dict(unknown))
        for key in sorted(keys):
            _walk(
                _join(path, key),
                _as_dict(before).get(key),
                _as_dict(after).get(key),
                _child(unknown, key),
                _child(before_sensitive, key),
                _child(after_sensitive, key),
                found,
            )
        return
    is_unknown = _any_true(unknown)
    if before == after and not is_unknown:
        return
    # Masked on both sides if either marks it: a value that stops being sensitive is
    # still the secret it was.
    sensitive = _any_true(before_sensitive) or _any_true(after_sensitive)
    found.append(
        AttributeChange(
            path or "(value)",
            _display(before, sensitive),
            UNKNOWN if is_unknown else _display(after, sensitive),
        )
    )


def _is_map(before: Any, after: Any, unknown: Any) -> bool:
    """Walk into it: an object on a side that has it (and nothing else on the other)."""
    sides = [v for v in (before, after) if v is not None]
    if isinstance(unknown, dict) and unknown:
        sides.append(unknown)
    return bool(sides) and all(isinstance(v, dict) for v in sides)


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _child(marks: Any, key: str) -> Any:
    """The sensitivity/unknown marks of `key` below `marks` (`true` covers everything)."""
    if marks is True:
        return True
    return marks.get(key) if isinstance(marks, dict) else None


def _any_true(marks: Any) -> bool:
    if marks is True:
        return True
    if isinstance(marks, dict):
        return any(_any_true(v) for v in marks.values())
    if isinstance(marks, list):
        return any(_any_true(v) for v in marks)
    return False


def _join(path: str, key: str) -> str:
    if _IDENTIFIER.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"


def _display(value: Any, sensitive: bool) -> str | None:
    if value is None:
        return None
    if sensitive:
        return SENSITIVE
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)
