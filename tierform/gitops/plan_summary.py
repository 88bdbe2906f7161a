"""`tierform plan-summary`: one readable Markdown comment from every tier's plan.

Input is `terraform show -json PLANFILE` per tier. Output: a table of counts, destroys and
replaces called out at the top in bold, and one collapsible section per tier with the
release steps that will run (and which trigger hash changed), the dbt models the release
builds, the DAG files the PR changes and the changed resources grouped by type.

GitHub rejects comments over 65,536 characters: detail (per-type tables, model lists) is
cut until the comment fits, but the destroy/replace list at the top never is.
"""

from __future__ import annotations

import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated

import typer

from tierform.gitops.dag_changes import FileChange, GitError, dag_changes
from tierform.gitops.dbt_models import ModelSelection, last_success_dir, ledger_state_dir
from tierform.gitops.markdown import GITHUB_COMMENT_LIMIT, cell, code, short_hash
from tierform.gitops.plan_model import Plan, PlanFormatError, ResourceChange, load_plan

# Lets the workflow find (and update) its own comment instead of adding one per push.
MARKER = "<!-- tierform:plan-summary -->"
EXIT_BAD_INPUT = 2
_ACTION_ORDER = ("destroy", "replace", "add", "change")
_ICON = {"add": "➕", "change": "✏️", "destroy": "🗑️", "replace": "♻️"}


@dataclass
class TierPlan:
    tier: str
    plan: Plan
    models: ModelSelection | None = None


@dataclass
class Summary:
    tiers: list[TierPlan]
    dags: list[FileChange] | None = None
    title: str = "Tierform plan"
    notes: list[str] = field(default_factory=list)


def render(summary: Summary, max_chars: int = GITHUB_COMMENT_LIMIT - 1_536) -> str:
    """The Markdown comment, cut to `max_chars` by shortening detail only."""
    head = _head(summary)
    limit: int | None = None  # rows per detail list; None = everything
    while True:
        text = head + "".join(_tier_section(t, summary.dags, limit) for t in summary.tiers)
        if len(text) <= max_chars:
            return text
        longest = max(_detail_rows(t) for t in summary.tiers)
        if limit == 0:
            # Only the never-cut part is left; it is longer than the limit on its own.
            return (
                head + "\n_Per-tier detail left out: the destroy list alone fills the comment._\n"
            )
        limit = max(0, (limit if limit is not None else longest) // 2)
        if limit < 5:
            limit = 0


def _detail_rows(tier: TierPlan) -> int:
    models = len(tier.models.models) if tier.models else 0
    return max(len(_visible(tier.plan)), models)


def _visible(plan: Plan) -> list[ResourceChange]:
    return [c for c in plan.changes if c.action in _ACTION_ORDER]


def _head(summary: Summary) -> str:
    lines = [MARKER, f"## {summary.title}", ""]
    lines += [
        "| tier | add | change | destroy | replace | release steps |",
        "|---|--:|--:|--:|--:|---|",
    ]
    for t in summary.tiers:
        c = t.plan.counts
        steps = ", ".join(code(r.address) for r in _release_steps(t.plan)) or "none"
        warn = " ⚠️" if t.plan.errored else ""
        lines.append(
            f"| **{t.tier}**{warn} | {c['add']} | {c['change']} | "
            f"{_bold_if(c['destroy'])} | {_bold_if(c['replace'])} | {steps} |"
        )
    lines.append("")
    doomed = [(t.tier, r) for t in summary.tiers for r in t.plan.with_action("destroy")]
    replaced = [
        (t.tier, r)
        for t in summary.tiers
        for r in t.plan.with_action("replace")
        if not r.is_release_step  # release steps are replaced by design; listed per tier
    ]
    if doomed:
        lines.append(f"**🗑️ {len(doomed)} resource(s) will be DESTROYED:**")
        lines += [f"- **{tier}**: **{code(r.address)}**" for tier, r in doomed]
        lines.append("")
    if replaced:
        lines.append(
            f"**♻️ {len(replaced)} resource(s) will be REPLACED (destroyed, then created):**"
        )
        lines += [f"- **{tier}**: **{code(r.address)}**{_why_replaced(r)}" for tier, r in replaced]
        lines.append("")
    if not doomed and not replaced:
        lines += ["No resource is destroyed or replaced.", ""]
    lines += [f"> {note}" for note in summary.notes]
    if summary.notes:
        lines.append("")
    return "\n".join(lines) + "\n"


def _bold_if(n: int) -> str:
    return f"**{n}**" if n else "0"


def _why_replaced(r: ResourceChange) -> str:
    if r.trigger_changes:
        return " — " + _trigger_text(r)
    if r.replace_paths:
        return " — forced by " + ", ".join(code(p) for p in r.replace_paths)
    if r.reason:
        return f" — {r.reason.replace('_', ' ')}"
    return ""


def _release_steps(plan: Plan) -> list[ResourceChange]:
    return [c for c in plan.changes if c.is_release_step and c.action in ("add", "replace")]


def _tier_section(t: TierPlan, dags: list[FileChange] | None, limit: int | None) -> str:
    c = t.plan.counts
    summary = (
        f"<b>{t.tier}</b>: {c['add']} to add, {c['change']} to change, "
        f"{c['destroy']} to destroy, {c['replace']} to replace"
    )
    lines = ["<details>", f"<summary>{summary}</summary>", ""]
    if t.plan.errored:
        lines += [
            "⚠️ **Terraform reported errors while planning this tier; the plan is incomplete.**",
            "",
        ]
    lines += _release_lines(t, dags, limit)
    lines += _resource_lines(t.plan, limit)
    lines += ["</details>", "", ""]
    return "\n".join(lines)


def _release_lines(t: TierPlan, dags: list[FileChange] | None, limit: int | None) -> list[str]:
    steps = _release_steps(t.plan)
    if not steps:
        return ["**Release steps:** none will run (no content hash changed).", ""]
    lines = ["**Release steps that will run:**", ""]
    for step in steps:
        lines.append(f"- {code(step.address)}: {_why_release(step)}")
    lines.append("")
    if t.models is not None and any("dbt" in s.address for s in steps):
        lines += _model_lines(t.models, limit)
    if dags is not None and any("dag" in s.address for s in steps):
        lines += _dag_lines(dags, limit)
    return lines


def _why_release(step: ResourceChange) -> str:
    if step.action == "add":
        return "first run (new step)"
    if step.reason == "replace_because_tainted":
        return "re-run: the last run failed (tainted)"
    if not step.trigger_changes:
        return _why_replaced(step).removeprefix(" — ") or "replaced"
    return _trigger_text(step)


def _trigger_text(r: ResourceChange) -> str:
    """Which `triggers_replace` keys changed, before → after (hashes shortened)."""
    changed = [
        f"{code(tc.key)} {short_hash(tc.before) if tc.before is not None else '(new)'} → "
        f"{short_hash(tc.after) if tc.after is not None or tc.before is None else '(removed)'}"
        for tc in r.trigger_changes
    ]
    return "changed " + "; ".join(changed)


def _model_lines(models: ModelSelection, limit: int | None) -> list[str]:
    if models.error:
        return [f"**dbt models:** could not list them: {models.error}", ""]
    where = f" in {code(str(models.state_dir))}" if models.state_dir else ""
    what = (
        f"every model: no manifest of a successful release{where}"
        if models.full_build
        else "`state:modified+` against the last successful release"
    )
    lines = [f"**dbt models the release will build** ({len(models.models)}; {what}):", ""]
    shown = models.models if limit is None else models.models[:limit]
    if shown:
        lines.append(", ".join(code(m) for m in shown))
    else:
        lines.append("_none: no model changed since the last successful release_")
    lines += _more(len(models.models) - len(shown))
    return [*lines, ""]


def _dag_lines(dags: list[FileChange], limit: int | None) -> list[str]:
    if not dags:
        return ["**DAG files:** none added, changed or removed by this PR.", ""]
    lines = ["**DAG files in this PR:**", ""]
    shown = dags if limit is None else dags[:limit]
    for f in shown:
        extra = f" (from {code(f.old_path)})" if f.old_path else ""
        lines.append(f"- {f.status}: {code(f.path)}{extra}")
    lines += _more(len(dags) - len(shown))
    return [*lines, ""]


def _resource_lines(plan: Plan, limit: int | None) -> list[str]:
    by_type: dict[str, list[ResourceChange]] = defaultdict(list)
    for change in _visible(plan):
        by_type[change.type].append(change)
    if not by_type:
        return ["No infrastructure changes.", ""]
    lines = ["**Changes by resource type:**", ""]
    budget = limit
    for rtype in sorted(by_type):
        rows = sorted(by_type[rtype], key=lambda r: (_ACTION_ORDER.index(r.action), r.address))
        counts = ", ".join(
            f"{sum(r.action == a for r in rows)} {a}"
            for a in _ACTION_ORDER
            if any(r.action == a for r in rows)
        )
        lines += [f"`{rtype}` ({counts})", "", "| | resource | action |", "|---|---|---|"]
        shown = rows if budget is None else rows[: max(budget, 0)]
        for r in shown:
            lines.append(f"| {_ICON[r.action]} | {cell(code(r.address))} | {r.action} |")
        if budget is not None:
            budget -= len(shown)
        lines += _more(len(rows) - len(shown))
        lines.append("")
    return lines


def _more(hidden: int) -> list[str]:
    if hidden <= 0:
        return []
    return [f"_… and {hidden} more (cut to fit GitHub's comment limit; see the job log)_"]


# --- command -------------------------------------------------------------------------


def _parse_plan_arg(value: str) -> tuple[str, Path]:
    tier, sep, path = value.partition("=")
    if not sep or not tier or not path:
        raise PlanFormatError(
            f"--plan {value!r}: expected TIER=PATH, e.g. --plan dev=plans/dev.json"
        )
    return tier, Path(path)


def _in_promotion_order(tiers: list[TierPlan], config: Path) -> list[TierPlan]:
    """Tiers as config/platform.yaml lists them (a glob of plan files comes sorted by name)."""
    from tierform.config import ConfigError, load_platform

    try:
        order = load_platform(config).platform.tiers if (config / "platform.yaml").is_file() else []
    except ConfigError:
        order = []  # the summary does not need the config; the checks job reports it
    rank = {name: i for i, name in enumerate(order)}
    return sorted(tiers, key=lambda t: rank.get(t.tier, len(rank)))


def plan_summary(
    plan: Annotated[
        list[str],
        typer.Option("--plan", help="TIER=PATH of `terraform show -json` output; repeat per tier"),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="write the Markdown here (default: stdout)"),
    ] = None,
    dbt_project: Annotated[
        Path | None,
        typer.Option(
            "--dbt-project", help="dbt project folder: list the models each release builds"
        ),
    ] = None,
    dbt_profiles_dir: Annotated[Path | None, typer.Option("--dbt-profiles-dir")] = None,
    dbt_target: Annotated[
        str | None, typer.Option("--dbt-target", help="dbt target (default: the tier name)")
    ] = None,
    dbt_state_root: Annotated[
        Path | None,
        typer.Option(
            "--dbt-state-root",
            help="folder holding <tier>/dbt/last-success/manifest.json "
            "(default: each tier's release ledger)",
        ),
    ] = None,
    dags_folder: Annotated[
        Path | None,
        typer.Option("--dags-folder", help="list DAG files this change adds/changes/removes"),
    ] = None,
    base: Annotated[
        str, typer.Option("--base", help="git ref the PR is compared with")
    ] = "origin/main",
    max_chars: Annotated[
        int, typer.Option("--max-chars", help="cut detail to stay under this size")
    ] = GITHUB_COMMENT_LIMIT - 1_536,
    title: Annotated[str, typer.Option("--title")] = "Tierform plan",
    config: Annotated[
        Path, typer.Option("--config", help="tiers are shown in this config's promotion order")
    ] = Path("config"),
) -> None:
    """Markdown summary of every tier's plan, for one PR comment."""
    from tierform.gitops.dbt_models import models_to_build

    tiers: list[TierPlan] = []
    try:
        for value in plan:
            tier, path = _parse_plan_arg(value)
            tiers.append(TierPlan(tier, load_plan(path)))
    except PlanFormatError as exc:
        print(f"tierform plan-summary: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    tiers = _in_promotion_order(tiers, config)
    if dbt_project is not None:
        with tempfile.TemporaryDirectory(prefix="tierform-dbt-state-") as states:
            for t in tiers:
                if any("dbt" in s.address for s in _release_steps(t.plan)):
                    problem, where = None, None
                    if dbt_state_root is not None:
                        state = last_success_dir(t.tier, dbt_state_root)
                    else:
                        state, where, problem = ledger_state_dir(config, t.tier, Path(states))
                    t.models = models_to_build(
                        dbt_project,
                        state_dir=state,
                        target=dbt_target or t.tier,
                        profiles_dir=dbt_profiles_dir,
                    )
                    if problem or where:  # name the ledger, not a temporary folder
                        t.models = replace(
                            t.models, error=problem or t.models.error, state_dir=where
                        )
    summary = Summary(tiers, title=title)
    if dags_folder is not None:
        try:
            summary.dags = dag_changes(dags_folder, base)
        except GitError as exc:
            summary.notes.append(f"DAG changes unknown: {exc}")
    text = render(summary, max_chars=max_chars)
    if output is None:
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        print(f"tierform plan-summary: wrote {output} ({len(text):,} characters)", file=sys.stderr)
