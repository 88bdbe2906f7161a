"""Plan-level protection of data: no delete or replace of a data store in a protected tier.

Reads `terraform show -json` plan files. prevent_destroy stops a destroy at apply time; this
stops it at review time, and also catches a data store whose prevent_destroy was removed
in the same change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tierform.config.errors import ConfigError
from tierform.config.input_files import read_text_file
from tierform.gitops.plan_model import MAX_PLAN_BYTES
from tierform.policy.checkov_checks.tierform_data_stores import PROTECTED_DATA_STORES

PROTECTED_TYPES = PROTECTED_DATA_STORES  # the one definition, shared with the guardrail


class BadPlan(Exception):
    """A file that is not a `terraform show -json` plan."""


@dataclass(frozen=True)
class PlanFile:
    stack: str | None  # None: unknown, treated as protected
    path: Path


def parse_plan_argument(argument: str) -> PlanFile:
    """`STACK=FILE`, or FILE whose stack is its folder (cdktf.out/stacks/<stack>/plan.json)
    or the first dot-separated part of its name (prod.plan.json)."""
    if "=" in argument and not Path(argument).exists():
        stack, _, file = argument.partition("=")
        return PlanFile(stack, Path(file))
    return PlanFile(None, Path(argument))


def guess_stack(plan: PlanFile, known: set[str]) -> str | None:
    if plan.stack:
        return plan.stack
    for candidate in (plan.path.parent.name, plan.path.name.split(".")[0]):
        if candidate in known:
            return candidate
    return None


def destructive_changes(path: Path) -> list[tuple[str, str, list[str]]]:
    """(address, type, actions) of every protected-type resource the plan deletes/replaces."""
    try:
        plan = json.loads(read_text_file(path, str(path), MAX_PLAN_BYTES))
    except ConfigError as exc:  # a folder, a FIFO, too big, not UTF-8
        raise BadPlan(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise BadPlan(f"{path}: not a readable JSON plan ({exc})") from None
    if not isinstance(plan, dict) or (
        "resource_changes" not in plan and "format_version" not in plan
    ):
        raise BadPlan(f"{path}: not a `terraform show -json` plan (no resource_changes)")
    found = []
    changes = plan.get("resource_changes") or []
    if not isinstance(changes, list) or not all(
        isinstance(c, dict) and isinstance(c.get("change") or {}, dict) for c in changes
    ):
        raise BadPlan(f"{path}: resource_changes is not a list of change objects")
    for change in changes:
        if change.get("mode", "managed") != "managed":
            continue
        actions = list((change.get("change") or {}).get("actions") or [])
        if change.get("type") in PROTECTED_TYPES and "delete" in actions:
            found.append((change.get("address", "?"), change["type"], actions))
    return found


@dataclass(frozen=True)
class PlanFinding:
    plan: Path
    stack: str | None
    address: str
    message: str


def check_plans(plans: list[PlanFile], protected: dict[str, bool]) -> list[PlanFinding]:
    """Every denied change; `protected` maps stack → is protected."""
    messages = []
    for plan in plans:
        stack = guess_stack(plan, set(protected))
        is_protected = protected.get(stack, True) if stack else True
        for address, rtype, actions in destructive_changes(plan.path):
            if not is_protected:
                continue
            verb = "replaces" if "create" in actions else "deletes"
            where = f"stack {stack}" if stack else "an unidentified stack (treated as protected)"
            messages.append(
                PlanFinding(
                    plan.path,
                    stack,
                    address,
                    f"{plan.path}: {verb} {PROTECTED_TYPES[rtype]} {address} in {where}: denied "
                    "in protected tiers (a renamed address needs a `moved` block; a deliberate "
                    "removal, a reviewed `terraform state rm`)",
                )
            )
    return messages
