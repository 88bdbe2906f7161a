"""`tierform promotion --event E --ref R`: which tiers this event plans and deploys, in order.

The workflows ask this command instead of hard-coding branch → tier rules, so the rules
live once, in config/platform.yaml `promotion:`. Output is JSON (and, with
--github-output, step outputs ready for `fromJSON(...)` in a job matrix).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from tierform.cli_options import ConfigOption
from tierform.command_io import append_github_file
from tierform.config import EXIT_BAD_INPUT, ConfigError, PlatformConfig, load_platform
from tierform.config.promotion import (
    apply_environment,
    apply_mode,
    plan_environment,
    ref_matches,
)

EVENTS = ("push", "pull_request", "schedule", "workflow_dispatch")


class RefError(ValueError):
    pass


def split_ref(ref: str) -> tuple[str, str]:
    """refs/heads/main → ("branch", "main"); refs/tags/v1.2 → ("tag", "v1.2")."""
    for prefix, kind in (("refs/heads/", "branch"), ("refs/tags/", "tag")):
        if ref.startswith(prefix) and len(ref) > len(prefix):
            return kind, ref[len(prefix) :]
    raise RefError(f"--ref {ref!r}: expected refs/heads/<branch> or refs/tags/<tag>")


def _entry(platform: PlatformConfig, tier: str) -> dict[str, Any]:
    promotion = platform.platform.promotion
    rule = promotion.tiers[tier]
    return {
        "tier": tier,
        "environment": apply_environment(promotion, tier),
        "plan_environment": plan_environment(promotion, tier),
        "approval": rule.approval,
        "protected": platform.tiers[tier].is_protected,
        "apply": apply_mode(rule, platform.tiers[tier].is_protected),
        # Tiers that must have deployed the commit first (`tierform promotion-check`).
        "requires": rule.requires,
    }


def decide(platform: PlatformConfig, event: str, ref: str | None) -> dict[str, Any]:
    rules = platform.platform.promotion.tiers
    ordered = [t for t in platform.platform.tiers if t in rules]  # promotion order
    plan = [_entry(platform, t) for t in ordered if rules[t].plan]
    deploy: list[dict[str, Any]] = []
    if event in ("push", "workflow_dispatch"):
        if ref is None:
            raise RefError(f"--ref is required for a {event} event")
        kind, name = split_ref(ref)
        for tier in ordered:
            patterns = rules[tier].branches if kind == "branch" else rules[tier].tags
            if any(ref_matches(p, name) for p in patterns):
                deploy.append(_entry(platform, tier))
    return {
        "event": event,
        "ref": ref,
        "deploy": deploy,
        "plan": plan,
        # Ready for `strategy.matrix: ${{ fromJSON(...) }}`; GitHub rejects an empty include.
        "deploy_matrix": {"include": deploy},
        "plan_matrix": {"include": plan},
    }


def github_outputs(decision: dict[str, Any]) -> str:
    lines = [
        f"deploy={json.dumps(decision['deploy_matrix'], separators=(',', ':'))}",
        f"plan={json.dumps(decision['plan_matrix'], separators=(',', ':'))}",
        f"deploy_tiers={' '.join(e['tier'] for e in decision['deploy'])}",
        f"plan_tiers={' '.join(e['tier'] for e in decision['plan'])}",
        f"has_deploy={'true' if decision['deploy'] else 'false'}",
        f"has_plan={'true' if decision['plan'] else 'false'}",
    ]
    return "\n".join(lines) + "\n"


def promotion_command(
    event: Annotated[str, typer.Option("--event", help=f"GitHub event: {', '.join(EVENTS)}")],
    ref: Annotated[
        str | None, typer.Option("--ref", help="refs/heads/<branch> or refs/tags/<tag>")
    ] = None,
    config: ConfigOption = Path("config"),
    github_output: Annotated[
        bool, typer.Option("--github-output", help="also append step outputs to $GITHUB_OUTPUT")
    ] = False,
) -> None:
    """Tiers to plan and deploy for a GitHub event, in promotion order (JSON)."""
    if event not in EVENTS:
        print(
            f"tierform promotion: --event {event!r}: expected one of {', '.join(EVENTS)}",
            file=sys.stderr,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        platform = load_platform(config)
        decision = decide(platform, event, ref)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except RefError as exc:
        print(f"tierform promotion: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    print(json.dumps(decision, indent=2))
    if github_output:
        append_github_file("GITHUB_OUTPUT", github_outputs(decision), "promotion")
