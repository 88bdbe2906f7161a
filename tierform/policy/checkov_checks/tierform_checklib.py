"""Shared helpers of Tierform's checkov checks (imported by them; registers no check).

checkov hands a check the resource block as written in cdk.tf.json, every value wrapped in
a list. Our constructs use `for_each` over literal maps, so most attributes read
`${each.value.x}` and the real values sit in the `for_each` map: a check that looked only at
the block would see a placeholder and pass silently. `instances()` resolves every
`each.value.*` / `each.key` reference against each entry, so a check judges every instance
and can name the key that failed.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform import parser_functions as _parser_functions
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

CONTEXT_VARIABLE = "TIERFORM_POLICY_CONTEXT"
# When the gate gives no context (someone runs checkov by hand), a stack's tier kind comes
# from its name; an unknown name gets the strictest treatment.
_KINDS = ("local", "dev", "staging", "prod")
# Per-kind limits; the gate passes its own (the same numbers, documented in the README).
DEFAULT_LIMITS = {
    "snowflake_auto_suspend_max_seconds": {"prod": 600, "staging": 60, "dev": 60, "local": 60},
    "databricks_auto_stop_max_minutes": {"prod": 60, "staging": 30, "dev": 10, "local": 10},
}

_WHOLE_REF = re.compile(r"^\$\{each\.(value(?:\.[A-Za-z0-9_]+)*|key)\}$")
_EMBEDDED_REF = re.compile(r"\$\{each\.(value(?:\.[A-Za-z0-9_]+)*|key)\}")
# An optional field our constructs read as `lookup(each.value, "x", null)` (a for_each map
# cannot hold null, so instances without the field leave it out).
_LOOKUP_REF = re.compile(r'^\$\{lookup\(each\.value, "([A-Za-z0-9_]+)", null\)\}$')
UNRESOLVED = object()


def _without_line_markers(process_dynamic_values):
    """checkov 3.3.30 crashes on every `dynamic` block of terraform_json input: its JSON
    parser adds `__startline__`/`__endline__` (ints) to the block, and
    `process_dynamic_values` tests `"content" in <int>`. The crash drops the resource from
    the graph (graph checks of the whole file silently skip it) and fails every resource
    check on it. Drop the markers before checkov looks; `instances()` below expands the
    dynamic blocks itself, with the real for_each values.
    """

    def process(conf: dict[str, Any]) -> bool:
        dynamic = conf.get("dynamic")
        if isinstance(dynamic, list):
            conf["dynamic"] = [
                {k: v for k, v in element.items() if not str(k).startswith("__")}
                if isinstance(element, dict)
                else element
                for element in dynamic
            ]
        return process_dynamic_values(conf)

    return process


if not getattr(_parser_functions.process_dynamic_values, "_tierform", False):
    _parser_functions.process_dynamic_values = _without_line_markers(
        _parser_functions.process_dynamic_values
    )
    _parser_functions.process_dynamic_values._tierform = True  # type: ignore[attr-defined]


class Unresolvable(Exception):
    """The block's for_each is not a literal map: its instances cannot be judged."""


def unwrap(value: Any) -> Any:
    """checkov wraps values in one-element lists (and nested blocks in lists of dicts)."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def _plain(value: Any) -> Any:
    """A checkov-parsed value back as plain JSON data (lists unwrapped, line markers gone)."""
    value = unwrap(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _lookup(entry: Any, key: str, ref: str) -> Any:
    if ref == "key":
        return key
    value = entry
    for part in ref.split(".")[1:]:
        if not isinstance(value, dict) or part not in value:
            return UNRESOLVED
        value = value[part]
    return value


def _resolve(value: Any, key: str, entry: Any) -> Any:
    if isinstance(value, str):
        optional = _LOOKUP_REF.match(value)
        if optional:
            return entry.get(optional.group(1)) if isinstance(entry, dict) else None
        whole = _WHOLE_REF.match(value)
        if whole:
            # A field the entry lacks reads as unset (Terraform itself would refuse it).
            found = _lookup(entry, key, whole.group(1))
            return None if found is UNRESOLVED else found

        def text(match: re.Match) -> str:
            found = _lookup(entry, key, match.group(1))
            return match.group(0) if found is UNRESOLVED else str(found)

        return _EMBEDDED_REF.sub(text, value)
    if isinstance(value, dict):
        return {k: _resolve(v, key, entry) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, key, entry) for v in value]
    return value


def instances(conf: dict[str, Any]) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """(for_each key or None, the block as plain data with each.* resolved) per instance.

    Raises Unresolvable when for_each is an expression rather than a literal map.
    """
    block = {
        k: _plain(v)
        for k, v in conf.items()
        if k not in ("for_each", "//") and not k.startswith("__")
    }
    if "for_each" not in conf:
        yield None, expand_dynamic(block)
        return
    for_each = _plain(conf["for_each"])
    if isinstance(for_each, str) and not is_reference(for_each):
        for_each = [for_each]  # a one-element list, unwrapped by _plain
    if isinstance(for_each, list) and all(isinstance(v, str) for v in for_each):
        for_each = {v: v for v in for_each}  # toset([...])
    if not isinstance(for_each, dict):
        raise Unresolvable(f"for_each is {for_each!r}, not a literal map")
    for key in sorted(for_each):
        yield key, expand_dynamic(_resolve(block, key, for_each[key]))


def _resolve_iterator(value: Any, iterator: str, key: Any, item: Any) -> Any:
    """Resolve `${<iterator>.value.x}` / `${<iterator>.key}` of one dynamic-block item."""
    pattern = re.compile(r"\$\{" + re.escape(iterator) + r"\.(value(?:\.[A-Za-z0-9_]+)*|key)\}")
    if isinstance(value, str):
        whole = pattern.fullmatch(value)
        if whole:
            found = _lookup(item, key, whole.group(1))
            return None if found is UNRESOLVED else found
        return pattern.sub(lambda m: str(_lookup(item, key, m.group(1))), value)
    if isinstance(value, dict):
        return {k: _resolve_iterator(v, iterator, key, item) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_iterator(v, iterator, key, item) for v in value]
    return value


def _dynamic_items(for_each: Any, content: Any, iterator: str) -> list[tuple[Any, Any]]:
    if for_each is None or for_each == []:
        return []
    if isinstance(for_each, list):
        return list(enumerate(for_each))
    if isinstance(for_each, dict):
        # checkov unwraps one-element lists, so a list holding one object arrives as that
        # object: it is one item when it has the fields the content reads.
        fields = set(
            re.findall(re.escape(iterator) + r"\.value\.([A-Za-z0-9_]+)", json.dumps(content))
        )
        if fields and fields <= set(for_each):
            return [(0, for_each)]
        return sorted(for_each.items())
    if is_reference(for_each):
        raise Unresolvable(f"dynamic block iterates over {for_each!r}, not literal data")
    return [(0, for_each)]  # one scalar, unwrapped from a one-element list


def expand_dynamic(block: Any) -> Any:
    """Render `dynamic` blocks into the plain blocks Terraform would make, recursively,
    from the (already resolved) for_each data, so checks see every real block."""
    if not isinstance(block, dict):
        return block
    dynamic = block.get("dynamic")
    if not isinstance(dynamic, dict):
        return {k: expand_dynamic(v) for k, v in block.items()}
    # checkov copies each dynamic spec under the block's name; it is replaced below.
    block = {k: expand_dynamic(v) for k, v in block.items() if k != "dynamic" and k not in dynamic}
    for name, spec in dynamic.items():
        if not isinstance(spec, dict):
            continue
        iterator = spec.get("iterator") or name
        content = spec.get("content", {})
        rendered = [
            expand_dynamic(_resolve_iterator(content, iterator, key, item))
            for key, item in _dynamic_items(spec.get("for_each"), content, iterator)
        ]
        # One block reads as that block, as static blocks do after `_plain()`.
        block[name] = rendered[0] if len(rendered) == 1 else rendered
    return block


def label(key: str | None) -> str:
    """How an instance is named in a finding: `["LOADING"] ` or nothing."""
    return "" if key is None else f'["{key}"] '


def stack_of(entity_path: str) -> str:
    """The stack a scanned file belongs to: cdktf.out/stacks/<stack>/cdk.tf.json."""
    scanned_file = entity_path.split(":", 1)[0]
    return PurePosixPath(scanned_file.replace("\\", "/")).parent.name


def _context() -> dict[str, Any]:
    raw = os.environ.get(CONTEXT_VARIABLE)
    if not raw:
        return {}
    return json.loads(raw)


def tier_of(entity_path: str) -> dict[str, Any]:
    """{"kind": …, "protected": …} of the stack the entity lives in."""
    stack = stack_of(entity_path)
    known = _context().get("stacks", {}).get(stack)
    if known:
        return known
    kind = stack if stack in _KINDS else ("dev" if stack.startswith("dev-") else "prod")
    return {"kind": kind, "protected": kind == "prod"}


def limit(name: str, kind: str) -> int:
    limits = _context().get("limits") or DEFAULT_LIMITS
    return int(limits[name][kind])


def is_reference(value: Any) -> bool:
    """A Terraform expression (variable, other resource) rather than a literal."""
    return isinstance(value, str) and "${" in value


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string leaf under value, with a dotted path to it (for findings)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from strings(v, f"{path}[{i}]")


class InstanceCheck(BaseResourceCheck):
    """A check judged per for_each instance. Subclasses set ID, NAME, CATEGORY and
    RESOURCES and implement `problems(block, tier)` → messages (empty when fine).

    Findings land in `details` as `["KEY"] message`: the gate reads them to name the
    instance and to match instance-level suppressions.
    """

    ID = ""
    NAME = ""
    RESOURCES: tuple[str, ...] = ()
    CATEGORY = CheckCategories.GENERAL_SECURITY

    def __init__(self) -> None:
        super().__init__(
            name=self.NAME,
            id=self.ID,
            categories=[self.CATEGORY],
            supported_resources=list(self.RESOURCES),
        )

    def applies(self, tier: dict[str, Any]) -> bool:
        return True

    def problems(self, block: dict[str, Any], tier: dict[str, Any]) -> list[str]:
        raise NotImplementedError

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        tier = tier_of(self.entity_path)
        if not self.applies(tier):
            return CheckResult.PASSED
        try:
            found = [
                f"{label(key)}{message}"
                for key, block in instances(conf)
                for message in self.problems(block, tier)
            ]
        except Unresolvable as exc:
            found = [f"cannot verify: {exc}"]
        self.details.extend(found)
        return CheckResult.FAILED if found else CheckResult.PASSED
