"""`tierform plan-summary`: one readable Markdown comment from every tier's plan.

Input per tier: `terraform show -json PLANFILE` and/or the `<tier>.status.json` that
`tierform diff` writes (planned, no changes, failed + first error line), so a tier whose plan
failed gets a row saying so instead of disappearing. Output: a table with each tier's status
and counts, destroys and replaces called out at the top in bold, and one collapsible section
per tier with the release steps that will run (and which trigger hash changed), the dbt
models the release builds, the DAG files the PR changes and the changed resources grouped by
type, each changed resource with its changed attributes before → after (sensitive values
masked while parsing, see attribute_diff.py; long values shortened).

GitHub rejects comments over 65,536 characters: detail (per-type tables, model lists) is
cut until the comment fits, but the destroy/replace list at the top never is.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tierform.config.errors import CONFIG_VARIABLE
from tierform.gitops.attribute_diff import SENSITIVE, UNKNOWN, AttributeChange
from tierform.gitops.dag_changes import FileChange, GitError, dag_changes
from tierform.gitops.dbt_models import ModelSelection, last_success_dir, ledger_state_dir
from tierform.gitops.destroy_list import (
    COMPLETE_LEVELS,
    LEVELS,
    Doomed,
    doomed,
    full_list,
    full_list_path,
    incomplete_notice,
    section,
    trigger_text,
    why_replaced,
)
from tierform.gitops.markdown import GITHUB_COMMENT_LIMIT, cell, code
from tierform.gitops.plan_model import Plan, PlanFormatError, ResourceChange, load_plan
from tierform.gitops.plan_status import FAILED, TierStatus, read_status, tier_of_status_file
from tierform.gitops.plan_status import SUFFIX as STATUS_SUFFIX

if TYPE_CHECKING:
    from tierform.config import PlatformConfig

# Lets the workflow find (and update) its own comment instead of adding one per push.
MARKER = "<!-- tierform:plan-summary -->"
EXIT_BAD_INPUT = 2
_ACTION_ORDER = ("destroy", "replace", "add", "change")
_ICON = {"add": "➕", "change": "✏️", "destroy": "🗑️", "replace": "♻️"}
# Changed attributes shown per resource (the rest: "… N more"), and the length of a value.
MAX_ATTRIBUTES = 8
MAX_VALUE_CHARS = 72  # a sha256 fits
MAX_ERROR_CHARS = 300
# `--expect`: the tiers the promotion job sent to plan (pr.yml passes its plan_tiers).
EXPECT_VARIABLE = "TIERFORM_PLAN_TIERS"
_NOTHING = "its plan job stopped before planning: no plan and no status file (see its log)"


@dataclass
class TierPlan:
    tier: str
    plan: Plan | None  # None: no plan JSON (the plan failed)
    models: ModelSelection | None = None
    status: TierStatus | None = None  # from <tier>.status.json, when there is one
    publish: str | None = None  # how the dbt step publishes (blue/green or in place)

    @property
    def error(self) -> str | None:
        """Why there is no usable plan, or None when there is one."""
        if self.status is not None and self.status.failed:
            return self.status.error or "the plan failed (see the job log)"
        if self.plan is None:
            return "no plan JSON for this tier (see the job log of its plan)"
        return None

    @property
    def status_text(self) -> str:
        if self.error is not None:
            return f"❌ failed: {code(_shorten(self.error, MAX_ERROR_CHARS))}"
        assert self.plan is not None
        if self.plan.errored:
            return "⚠️ planned with errors"
        return "planned" if self.plan.has_changes else "no changes"

    @property
    def usable(self) -> Plan | None:
        return self.plan if self.error is None else None


@dataclass
class Summary:
    tiers: list[TierPlan]
    dags: list[FileChange] | None = None
    title: str = "Tierform plan"
    notes: list[str] = field(default_factory=list)
    # Where the complete destroy/replace list is, said when the comment cannot name it all.
    full_list: str | None = None


def render(summary: Summary, max_chars: int = GITHUB_COMMENT_LIMIT - 1_536) -> str:
    """The Markdown comment, cut to `max_chars` by shortening detail only; the destroy and
    replace list is written more densely instead (tierform/gitops/destroy_list.py)."""
    found = doomed([(t.tier, t.usable) for t in summary.tiers])
    # Denser levels only help a list that is there; a head too long for another reason
    # (notes, hundreds of failed tiers) is cut by _fit.
    for level in LEVELS if not found.empty else LEVELS[:1]:
        head = _head(summary, found, level, max_chars)
        if len(head) <= max_chars:
            break
    limit: int | None = None  # rows per detail list; None = everything
    while True:
        text = head + "".join(_tier_section(t, summary.dags, limit) for t in summary.tiers)
        if len(text) <= max_chars:
            return text
        longest = max((_detail_rows(t) for t in summary.tiers), default=0)
        if limit == 0:
            # Only the never-cut part is left; it is longer than the limit on its own.
            what = "the summary" if found.empty else "the destroy list"
            return _fit(
                head + f"\n_Per-tier detail left out: {what} alone fills the comment._\n", max_chars
            )
        limit = max(0, (limit if limit is not None else longest) // 2)
        if limit < 5:
            limit = 0


def _fit(text: str, max_chars: int) -> str:
    """`text`, cut at a line end to `max_chars` if it is still longer: a comment GitHub
    refuses shows the reviewers nothing at all."""
    if len(text) <= max_chars:
        return text
    tail = f"\n\n_… cut here to stay under {max_chars:,} characters._\n"
    kept = text[: max(0, max_chars - len(tail))]
    return kept[: kept.rfind("\n") + 1 if "\n" in kept else 0] + tail


def _detail_rows(tier: TierPlan) -> int:
    if tier.usable is None:
        return 0
    models = len(tier.models.models) if tier.models else 0
    return max(len(_visible(tier.usable)), models)


def _visible(plan: Plan) -> list[ResourceChange]:
    return [c for c in plan.changes if c.action in _ACTION_ORDER]


def _head(summary: Summary, found: Doomed, level: str, max_chars: int) -> str:
    lines = [MARKER, f"## {summary.title}", ""]
    if not summary.tiers:
        lines += ["No tier was planned: there is no plan or status file.", ""]
        lines += [f"> {note}" for note in summary.notes]
        return "\n".join(lines) + "\n"
    lines += [
        "| tier | status | add | change | destroy | replace | release steps |",
        "|---|---|--:|--:|--:|--:|---|",
    ]
    for t in summary.tiers:
        plan = t.usable
        if plan is None:
            lines.append(f"| **{t.tier}** | {cell(t.status_text)} | – | – | – | – | – |")
            continue
        c = plan.counts
        steps = ", ".join(code(r.address) for r in _release_steps(plan)) or "none"
        lines.append(
            f"| **{t.tier}** | {t.status_text} | {c['add']} | {c['change']} | "
            f"{_bold_if(c['destroy'])} | {_bold_if(c['replace'])} | {steps} |"
        )
    lines.append("")
    failed = [t for t in summary.tiers if t.usable is None]
    if failed:
        lines.append(
            f"**❌ {len(failed)} tier(s) could not be planned:** "
            + ", ".join(f"**{t.tier}**" for t in failed)
            + " — what they would change is unknown."
        )
        lines.append("")
    lines += section(found, level)
    if level not in COMPLETE_LEVELS:
        lines += incomplete_notice(found, summary.full_list, max_chars)
    if found.empty:
        where = " in the tiers that were planned" if failed else ""
        lines += [f"No resource other than a release step is destroyed or replaced{where}.", ""]
    lines += [f"> {note}" for note in summary.notes]
    if summary.notes:
        lines.append("")
    return "\n".join(lines) + "\n"


def _bold_if(n: int) -> str:
    return f"**{n}**" if n else "0"


def _release_steps(plan: Plan) -> list[ResourceChange]:
    return [c for c in plan.changes if c.is_release_step and c.action in ("add", "replace")]


def _tier_section(t: TierPlan, dags: list[FileChange] | None, limit: int | None) -> str:
    if t.usable is None:
        return _failed_section(t)
    c = t.usable.counts
    summary = (
        f"<b>{t.tier}</b>: {c['add']} to add, {c['change']} to change, "
        f"{c['destroy']} to destroy, {c['replace']} to replace"
    )
    lines = ["<details>", f"<summary>{summary}</summary>", ""]
    if t.usable.errored:
        lines += [
            "⚠️ **Terraform reported errors while planning this tier; the plan is incomplete.**",
            "",
        ]
    lines += _release_lines(t, t.usable, dags, limit)
    lines += _resource_lines(t.usable, limit)
    lines += ["</details>", "", ""]
    return "\n".join(lines)


def _failed_section(t: TierPlan) -> str:
    """Not collapsed: a failed plan is the first thing a reviewer must see."""
    error = _shorten(t.error or "", MAX_ERROR_CHARS)
    return (
        f"**❌ {t.tier}: the plan failed** — {code(error)}\n\n"
        "The job log of this tier's plan has the whole output. Nothing about this tier "
        "is known until its plan succeeds.\n\n\n"
    )


def _release_lines(
    t: TierPlan, plan: Plan, dags: list[FileChange] | None, limit: int | None
) -> list[str]:
    steps = _release_steps(plan)
    if not steps:
        return ["**Release steps:** none will run (no content hash changed).", ""]
    lines = ["**Release steps that will run:**", ""]
    for step in steps:
        lines.append(f"- {code(step.address)}: {_why_release(step)}")
    lines.append("")
    if t.models is not None and any("dbt" in s.address for s in steps):
        lines += _model_lines(t.models, limit)
    if t.publish is not None and any("dbt" in s.address for s in steps):
        lines += [f"**dbt publish:** {t.publish}", ""]
    if dags is not None and any("dag" in s.address for s in steps):
        lines += _dag_lines(dags, limit)
    return lines


def _why_release(step: ResourceChange) -> str:
    if step.action == "add":
        return "first run (new step)"
    if step.reason == "replace_because_tainted":
        return "re-run: the last run failed (tainted)"
    if not step.trigger_changes:
        return why_replaced(step).removeprefix(" — ") or "replaced"
    return trigger_text(step)


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
        lines += [
            f"`{rtype}` ({counts})",
            "",
            "| | resource | action | changed attributes |",
            "|---|---|---|---|",
        ]
        shown = rows if budget is None else rows[: max(budget, 0)]
        attributes = MAX_ATTRIBUTES if limit is None else min(MAX_ATTRIBUTES, limit)
        for r in shown:
            lines.append(
                f"| {_ICON[r.action]} | {cell(code(r.address))} | {r.action} | "
                f"{_attribute_cell(r.attributes, attributes)} |"
            )
        if budget is not None:
            budget -= len(shown)
        lines += _more(len(rows) - len(shown))
        lines.append("")
    return lines


def _attribute_cell(changes: tuple[AttributeChange, ...], limit: int) -> str:
    shown = [f"{code(a.path)}: {_value(a.before)} → {_value(a.after)}" for a in changes[:limit]]
    if len(changes) > len(shown):
        shown.append(f"… and {len(changes) - len(shown)} more")
    return cell("<br>".join(shown))


def _value(text: str | None) -> str:
    if text is None:
        return "(none)"
    if text in (SENSITIVE, UNKNOWN):
        return f"_{text}_"
    return code(_shorten(text, MAX_VALUE_CHARS))


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())  # one line: a table cell or inline code cannot hold more
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


def collect_tiers(plan_args: list[str], plans_dir: Path | None) -> list[TierPlan]:
    """Every tier with a plan JSON or a status file: from --plans-dir (T.json,
    T.status.json) and --plan T=FILE (its status file is looked for beside it)."""
    plans: dict[str, Path] = {}
    statuses: dict[str, Path] = {}
    if plans_dir is not None and plans_dir.is_dir():
        for path in sorted(plans_dir.glob("*.json")):
            if path.name.endswith(STATUS_SUFFIX):
                statuses[tier_of_status_file(path)] = path
            elif path.name != "summary.json":
                plans[path.stem] = path
    for value in plan_args:
        tier, path = _parse_plan_arg(value)
        plans[tier] = path
        beside = path.parent / f"{tier}{STATUS_SUFFIX}"
        if beside.is_file():
            statuses.setdefault(tier, beside)
    tiers = []
    for tier in dict.fromkeys([*plans, *statuses]):
        status = read_status(statuses[tier]) if tier in statuses else None
        plan = None
        # A failed plan's JSON (if an older one is lying around) is not this run's plan.
        if tier in plans and not (status is not None and status.failed):
            plan = load_plan(plans[tier])
        tiers.append(TierPlan(tier, plan, status=status))
    return tiers


def with_expected(tiers: list[TierPlan], expect: str | None) -> list[TierPlan]:
    """`tiers` plus every expected tier that left nothing behind: a plan job that stopped
    before `tierform diff` (its synth, its credentials, the ledger reads before the plan
    failed, or the runner was lost) writes no plan and no status file, and would otherwise
    drop out of the comment, which then reads as if every tier planned cleanly."""
    seen = {t.tier for t in tiers}
    missing = [
        name for name in dict.fromkeys((expect or "").replace(",", " ").split()) if name not in seen
    ]
    lost = [TierPlan(name, None, status=TierStatus(name, FAILED, _NOTHING)) for name in missing]
    return [*tiers, *lost]


def _load_config(config: Path) -> PlatformConfig | None:
    """The config when there is a valid one: the summary works without (the checks job
    reports config errors), it only loses the tier order and the release paths."""
    from tierform.config import ConfigError, load_platform

    if not (config / "platform.yaml").is_file():
        return None
    try:
        return load_platform(config)
    except ConfigError:
        return None


def _in_promotion_order(tiers: list[TierPlan], platform: PlatformConfig | None) -> list[TierPlan]:
    """Tiers as config/platform.yaml lists them (a glob of plan files comes sorted by name)."""
    order = platform.platform.tiers if platform is not None else []
    rank = {name: i for i, name in enumerate(order)}
    return sorted(tiers, key=lambda t: rank.get(t.tier, len(rank)))


@dataclass(frozen=True)
class DbtSource:
    project_dir: Path
    profiles_dir: Path | None
    target: str
    # What the release step sets for dbt that decides where models are (their relation,
    # which `state:modified` compares): the DuckDB file of a DuckDB target.
    env: dict[str, str] = field(default_factory=dict)


def _publish_text(platform: PlatformConfig | None, tier: str) -> str | None:
    from tierform.release.dbt_publish import describe_mode

    step = platform.dbt_step(platform.tiers[tier]) if platform and tier in platform.tiers else None
    return describe_mode(step) if step is not None else None


def dbt_source(
    tier: str,
    platform: PlatformConfig | None,
    *,
    project: Path | None = None,
    profiles_dir: Path | None = None,
    target: str | None = None,
) -> DbtSource | None:
    """The dbt project, profiles folder and target the tier's release uses: from config
    (`release.dbt` and the tier's `release.dbt.target`), unless given on the command line."""
    if project is not None:
        return DbtSource(project, profiles_dir, target or tier)
    if platform is None or tier not in platform.tiers:
        return None
    step = platform.dbt_step(platform.tiers[tier])
    if step is None:
        return None
    root = platform.repo_root
    target = target or step.target
    env = {}
    if step.adapter == "duckdb":
        from tierform.release.dbt_build import DUCKDB_PATH_VARIABLE, duckdb_file

        env[DUCKDB_PATH_VARIABLE] = str(duckdb_file(platform.work_root, target))
    return DbtSource(root / step.project_dir, profiles_dir or root / step.profiles_dir, target, env)


def plan_summary(
    plan: Annotated[
        list[str] | None,
        typer.Option("--plan", help="TIER=PATH of `terraform show -json` output; repeat per tier"),
    ] = None,
    plans_dir: Annotated[
        Path | None,
        typer.Option(
            "--plans-dir",
            help="read every TIER.json and TIER.status.json here (`tierform diff --out`)",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="write the Markdown here (default: stdout)"),
    ] = None,
    full_list_file: Annotated[
        Path | None,
        typer.Option(
            "--full-list",
            help="write every destroyed and replaced address here (default with -o: "
            "FILE's name with .destroys.md); the comment points to it when it cannot list all",
        ),
    ] = None,
    dbt_project: Annotated[
        Path | None,
        typer.Option(
            "--dbt-project", help="dbt project folder (default: config `release.dbt.project_dir`)"
        ),
    ] = None,
    dbt_profiles_dir: Annotated[
        Path | None,
        typer.Option("--dbt-profiles-dir", help="default: config `release.dbt.profiles_dir`"),
    ] = None,
    dbt_target: Annotated[
        str | None,
        typer.Option("--dbt-target", help="dbt target (default: the tier's from config)"),
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
        typer.Option(
            "--dags-folder",
            help="list DAG files this change adds/changes/removes (default: config)",
        ),
    ] = None,
    base: Annotated[
        str, typer.Option("--base", help="git ref the PR is compared with")
    ] = "origin/main",
    max_chars: Annotated[
        int, typer.Option("--max-chars", help="cut detail to stay under this size")
    ] = GITHUB_COMMENT_LIMIT - 1_536,
    title: Annotated[str, typer.Option("--title")] = "Tierform plan",
    expect: Annotated[
        str | None,
        typer.Option(
            "--expect",
            envvar=EXPECT_VARIABLE,
            help="tiers whose plan jobs ran (space or comma separated; the promotion job's "
            "plan_tiers): one with neither a plan nor a status file is shown as failed",
        ),
    ] = None,
    config: Annotated[
        Path,
        typer.Option(
            "--config",
            envvar=CONFIG_VARIABLE,
            help="tier order and release paths (dbt, DAGs) come from here",
        ),
    ] = Path("config"),
) -> None:
    """Markdown summary of every tier's plan (or why it failed), for one PR comment."""
    from tierform.gitops.dbt_models import models_to_build

    try:
        tiers = collect_tiers(plan or [], plans_dir)
    except PlanFormatError as exc:
        print(f"tierform plan-summary: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    tiers = with_expected(tiers, expect)
    platform = _load_config(config)
    tiers = _in_promotion_order(tiers, platform)
    with tempfile.TemporaryDirectory(prefix="tierform-dbt-state-") as states:
        for t in tiers:
            if t.usable is None or not any("dbt" in s.address for s in _release_steps(t.usable)):
                continue
            source = dbt_source(
                t.tier,
                platform,
                project=dbt_project,
                profiles_dir=dbt_profiles_dir,
                target=dbt_target,
            )
            if source is None:
                continue
            t.publish = _publish_text(platform, t.tier)
            problem, where = None, None
            if dbt_state_root is not None:
                state = last_success_dir(t.tier, dbt_state_root)
            else:
                state, where, problem = ledger_state_dir(config, t.tier, Path(states))
            t.models = models_to_build(
                source.project_dir,
                state_dir=state,
                target=source.target,
                profiles_dir=source.profiles_dir,
                env=source.env,
            )
            if problem or where:  # name the ledger, not a temporary folder
                t.models = replace(t.models, error=problem or t.models.error, state_dir=where)
    summary = Summary(tiers, title=title)
    dags_repo = Path(".")
    if dags_folder is None and platform is not None and platform.platform.release.dags:
        # Repository-relative in config; git runs at the repository root.
        dags_folder, dags_repo = Path(platform.platform.release.dags.folder), platform.repo_root
    # Only shown under a DAG release step that runs; git is not asked otherwise.
    dag_steps = [
        s for t in tiers if t.usable for s in _release_steps(t.usable) if "dag" in s.address
    ]
    if dags_folder is not None and dag_steps:
        try:
            summary.dags = dag_changes(dags_folder, base, repo=dags_repo)
        except GitError as exc:
            summary.notes.append(f"DAG changes unknown: {exc}")
    if full_list_file is None and output is not None:
        full_list_file = full_list_path(output)
    if (
        full_list_file is not None
        and output is not None
        and full_list_file.resolve() == output.resolve()
    ):
        print(
            f"tierform plan-summary: --full-list {full_list_file}: the same file as --output; "
            f"the complete list needs a file of its own (default: {full_list_path(output)})",
            file=sys.stderr,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    if full_list_file is not None:
        summary.full_list = _full_list_place(full_list_file)
    text = render(summary, max_chars=max_chars)
    if full_list_file is not None:
        # Always written, so a file left by an earlier run never stands for this plan.
        found = doomed([(t.tier, t.usable) for t in tiers])
        _write(full_list_file, full_list(found, title), "the complete destroy/replace list")
    if output is None:
        sys.stdout.write(text)
    else:
        _write(output, text, "the comment")


def _full_list_place(path: Path) -> str:
    """`path`, and the workflow run whose artifacts hold it when this runs in GitHub Actions."""
    place = code(path.name)
    server, repo, run = (
        os.environ.get(name) for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    )
    if server and repo and run:
        return f"{place}, uploaded with [this workflow run]({server}/{repo}/actions/runs/{run})"
    return code(str(path))


def _write(path: Path, text: str, what: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(
        f"tierform plan-summary: wrote {what} to {path} ({len(text):,} characters)", file=sys.stderr
    )
