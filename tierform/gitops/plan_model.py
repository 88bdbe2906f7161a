"""The parts of `terraform show -json <plan>` the pipeline reads, as small typed records.

Terraform's plan JSON format (format_version 1.x) is stable and documented; we read only
`resource_changes` and `resource_drift`, so a newer Terraform adding fields changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tierform.config.errors import ConfigError
from tierform.config.input_files import read_text_file
from tierform.gitops.attribute_diff import AttributeChange, changed_attributes

# Terraform's action lists, mapped to one word. A replace is delete+create in either order
# (create_before_destroy puts create first).
_ACTIONS = {
    ("create",): "add",
    ("update",): "change",
    ("delete",): "destroy",
    ("delete", "create"): "replace",
    ("create", "delete"): "replace",
    ("no-op",): "no-op",
    ("read",): "read",
    ("forget",): "forget",
}

RELEASE_TYPE = "terraform_data"
# Release steps (dbt build, DAG publish) are terraform_data resources with these names
# (terraform_data.release_dbt, terraform_data.release_dags): a stable contract of the stacks.
RELEASE_PREFIX = "release_"

# Plan JSON of a large platform runs to hundreds of MB; a FIFO or /dev/zero must not hang.
MAX_PLAN_BYTES = 1024 * 1024 * 1024


class PlanFormatError(ValueError):
    """The file is not the JSON `terraform show -json <planfile>` writes."""


@dataclass(frozen=True)
class TriggerChange:
    key: str
    before: str | None
    after: str | None  # None: removed, or unknown until apply


@dataclass(frozen=True)
class ResourceChange:
    address: str
    type: str
    name: str
    action: str  # add | change | destroy | replace | no-op | read | forget
    reason: str | None = None  # Terraform's action_reason, e.g. replace_because_tainted
    replace_paths: tuple[str, ...] = ()
    trigger_changes: tuple[TriggerChange, ...] = field(default_factory=tuple)
    # For a change or replace: the attributes that change, sensitive values masked.
    attributes: tuple[AttributeChange, ...] = field(default_factory=tuple)

    @property
    def is_release_step(self) -> bool:
        return self.type == RELEASE_TYPE and self.name.startswith(RELEASE_PREFIX)


@dataclass(frozen=True)
class Plan:
    changes: tuple[ResourceChange, ...]
    drift: tuple[ResourceChange, ...]  # objects changed outside Terraform since the last apply
    errored: bool = False

    def with_action(self, *actions: str) -> list[ResourceChange]:
        return [c for c in self.changes if c.action in actions]

    @property
    def counts(self) -> dict[str, int]:
        return {a: len(self.with_action(a)) for a in ("add", "change", "destroy", "replace")}

    @property
    def has_changes(self) -> bool:
        return any(self.counts.values())


def load_plan(path: str | Path) -> Plan:
    path = Path(path)
    try:
        data = json.loads(read_text_file(path, str(path), MAX_PLAN_BYTES))
    except ConfigError as exc:  # missing, a folder, a FIFO, too big, not UTF-8
        raise PlanFormatError(str(exc)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanFormatError(
            f"{path}: not JSON ({exc}); pass the output of `terraform show -json PLANFILE`"
        ) from None
    return parse_plan(data, str(path))


def parse_plan(data: Any, source: str = "plan") -> Plan:
    if not isinstance(data, dict) or "format_version" not in data:
        raise PlanFormatError(
            f"{source}: not a Terraform plan (no format_version); "
            "pass the output of `terraform show -json PLANFILE`"
        )
    if "planned_values" not in data and "resource_changes" not in data:
        raise PlanFormatError(
            f"{source}: this is Terraform state JSON, not a plan; "
            "run `terraform plan -out=FILE` then `terraform show -json FILE`"
        )
    changes = tuple(_change(rc) for rc in data.get("resource_changes") or [])
    drift = tuple(_change(rc) for rc in data.get("resource_drift") or [])
    return Plan(changes=changes, drift=drift, errored=bool(data.get("errored")))


def _change(rc: dict[str, Any]) -> ResourceChange:
    change = rc.get("change") or {}
    actions = tuple(change.get("actions") or ["no-op"])
    action = _ACTIONS.get(actions, "+".join(actions))
    rtype = rc.get("type", "")
    replace_paths = tuple(
        ".".join(str(p) for p in path) for path in change.get("replace_paths") or []
    )
    triggers: tuple[TriggerChange, ...] = ()
    if rtype == RELEASE_TYPE:
        triggers = _trigger_changes(change)
    return ResourceChange(
        address=rc.get("address", "?"),
        type=rtype,
        name=rc.get("name", ""),
        action=action,
        reason=rc.get("action_reason"),
        replace_paths=replace_paths,
        trigger_changes=triggers,
        attributes=changed_attributes(change) if action in ("change", "replace") else (),
    )


def _trigger_changes(change: dict[str, Any]) -> tuple[TriggerChange, ...]:
    """Which keys of a flat `triggers_replace` map differ between before and after."""
    before = _as_map((change.get("before") or {}).get("triggers_replace"))
    after = _as_map((change.get("after") or {}).get("triggers_replace"))
    unknown = (change.get("after_unknown") or {}).get("triggers_replace")
    result = []
    for key in sorted(set(before) | set(after) | set(_as_map(unknown))):
        old, new = before.get(key), after.get(key)
        if old != new or (isinstance(unknown, dict) and unknown.get(key)):
            result.append(TriggerChange(key, _text(old), _text(new)))
    return tuple(result)


def _as_map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)
