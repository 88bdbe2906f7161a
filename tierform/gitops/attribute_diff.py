"""Which attributes of a changed resource change, before → after, safe to show in a PR.

Read from one `resource_changes[].change` of `terraform show -json`. The plan JSON holds
sensitive values in clear text; `before_sensitive`/`after_sensitive` mark them (the same
shape as the value, `true` where sensitive). They are masked here, while parsing, so no
secret ever reaches a record the renderer sees. Values Terraform learns only at apply are
marked in `after_unknown` and shown as "(known after apply)".

Terraform's marks are not complete: a value computed from a sensitive one can come unmarked
(terraform_data's `output` copies a sensitive `input`, and only `input` is marked in
`before_sensitive`). So a value that equals, or contains, a marked value of the same
resource is masked too.

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
# Shorter secrets are masked only where equal: containment would mask half the plan.
_MIN_CONTAINED = 6


@dataclass(frozen=True)
class AttributeChange:
    path: str
    before: str | None  # display text; None: not set
    after: str | None


def changed_attributes(change: dict[str, Any]) -> tuple[AttributeChange, ...]:
    found: list[AttributeChange] = []
    secrets = _marked_values(change.get("before"), change.get("before_sensitive"))
    secrets |= _marked_values(change.get("after"), change.get("after_sensitive"))
    _walk(
        "",
        change.get("before"),
        change.get("after"),
        change.get("after_unknown"),
        change.get("before_sensitive"),
        change.get("after_sensitive"),
        found,
    )
    return tuple(_mask_copies(a, secrets) for a in found)


def _marked_values(value: Any, marks: Any) -> set[str]:
    """Every scalar under `value` that `marks` flags sensitive, as display text."""
    if marks is True:
        return {text for leaf in _leaves(value) if (text := _display(leaf, False))}
    found: set[str] = set()
    if isinstance(marks, dict) and isinstance(value, dict):
        for key, sub in marks.items():
            found |= _marked_values(value.get(key), sub)
    elif isinstance(marks, list) and isinstance(value, list):
        for item, sub in zip(value, marks, strict=False):
            found |= _marked_values(item, sub)
    return found


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [] if value is None else [value]


def _mask_copies(attr: AttributeChange, secrets: set[str]) -> AttributeChange:
    def leaks(text: str | None) -> bool:
        if text is None or text in (SENSITIVE, UNKNOWN):
            return False
        return any(s == text or (len(s) >= _MIN_CONTAINED and s in text) for s in secrets)

    if not (leaks(attr.before) or leaks(attr.after)):
        return attr
    return AttributeChange(
        attr.path,
        SENSITIVE if attr.before is not None else None,
        attr.after if attr.after in (UNKNOWN, None) else SENSITIVE,
    )


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
