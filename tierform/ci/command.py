"""`tierform ci run|teardown|sweep|comment`: a pull request's data CI, on a CI runner or a
laptop. Exit 0 every check passed, 1 a check failed, 2 bad input (through tierform/guard.py:
one line, no traceback)."""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from tierform.ci import report
from tierform.ci.errors import CiInputError
from tierform.config import ConfigError
from tierform.release.context import ReleaseContext, load_context

app = typer.Typer(
    name="ci",
    help="Data CI of a pull request: SQL lint, DAG checks, slim dbt build in a PR environment.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

Tier = Annotated[str, typer.Option("--tier", help="target tier: the one the PR defers to")]
Pr = Annotated[int, typer.Option("--pr", min=1, help="pull request number")]
Root = Annotated[
    Path | None,
    typer.Option(
        "--root",
        help="repository root (default: $TIERFORM_ROOT, else the config folder's repository root)",
    ),
]
Repo = Annotated[str, typer.Option("--repo", envvar="GITHUB_REPOSITORY", help="owner/name")]


@contextmanager
def _could_not_run():
    """What stops a check from running at all (a ledger out of reach or damaged, dbt's
    identity missing, GitHub refusing) is exit 2 with its one line, never "a check failed"."""
    from tierform.gitops.github import GitHubError
    from tierform.ledger import LedgerError
    from tierform.release.context import ReleaseError

    try:
        yield
    except (LedgerError, ReleaseError, GitHubError) as exc:
        raise CiInputError(str(exc)) from None


def _context(tier: str, root: Path | None) -> ReleaseContext:
    try:
        return load_context(tier, root)
    except ConfigError as exc:
        raise CiInputError(str(exc)) from None


def _default_base() -> str:
    base = os.environ.get("GITHUB_BASE_REF")
    return f"origin/{base}" if base else "main"


@app.command("run")
def run_command(
    tier: Tier,
    pr: Pr,
    base: Annotated[str | None, typer.Option("--base", help="git ref the PR merges into")] = None,
    everything: Annotated[bool, typer.Option("--all", help="lint every model")] = False,
    full: Annotated[bool, typer.Option("--full", help="build everything, no deferral")] = False,
    results: Annotated[Path | None, typer.Option("--results", help="write <tier>.json/.md")] = None,
    statuses: Annotated[bool, typer.Option("--statuses", help="post commit statuses")] = False,
    root: Root = None,
) -> int:
    """Run every check against TIER for pull request PR; exit 1 when one fails."""
    # Imported here: `tierform` must start on the light install (no dbt) for other commands.
    from tierform.ci.checks import CHECKS, CiRun

    ctx = _context(tier, root)
    started = time.monotonic()
    run = CiRun(ctx, pr, None if everything else (base or _default_base()), full_build=full)
    outcomes = []
    for _name, check in CHECKS:
        with _could_not_run():
            outcome = check(run)
        outcomes.append(outcome)
        print(report.console_lines(tier, [outcome])[0], flush=True)
    wall = time.monotonic() - started
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for o in outcomes:
            for a in o.annotations:
                print(report.annotation_command(f"{o.check} ({tier})", a))
    extra = {"wall_seconds": round(wall, 1)}
    if run.dbt_run is not None:
        extra |= {"nodes_built": run.dbt_run.nodes_built}
        extra |= {"nodes_in_project": run.dbt_run.nodes_in_project}
    if results is not None:
        report.write_results(results, tier, pr, outcomes, extra)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        with open(summary_file, "a", encoding="utf-8") as handle:
            handle.write(report.tier_section(tier, outcomes) + "\n")
    if statuses:
        with _could_not_run():
            _post_statuses(tier, outcomes)
    failed = [o.check for o in outcomes if o.failed]
    print(
        f"tierform ci [{tier}] PR {pr}: "
        + (f"failed: {', '.join(failed)}" if failed else "every check passed")
        + f" ({wall:.1f} s)"
    )
    if failed:
        raise typer.Exit(1)
    return 0


def _post_statuses(tier: str, outcomes) -> None:
    from tierform.ci.github_checks import post_statuses
    from tierform.ci.pr_head import HEAD_SHA_ENV

    repo, sha = os.environ.get("GITHUB_REPOSITORY"), os.environ.get(HEAD_SHA_ENV)
    sha = sha or os.environ.get("GITHUB_SHA")
    if not repo or not sha:
        raise CiInputError("--statuses needs $GITHUB_REPOSITORY and $GITHUB_SHA (a GitHub job)")
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
    url = (
        f"{server}/{repo}/actions/runs/{os.environ['GITHUB_RUN_ID']}"
        if os.environ.get("GITHUB_RUN_ID")
        else None
    )
    post_statuses(repo, sha, tier, outcomes, url)


@app.command("teardown")
def teardown_command(tier: Tier, pr: Pr, root: Root = None) -> None:
    """Drop PR's environment on TIER: what run recorded, nothing else (idempotent)."""
    from tierform.ci.teardown import teardown

    with _could_not_run():
        print(f"tierform ci teardown: {teardown(_context(tier, root), pr)}")


@app.command("sweep")
def sweep_command(
    tier: Tier,
    repo: Repo,
    days: Annotated[int | None, typer.Option("--older-than-days", min=0)] = None,
    root: Root = None,
) -> None:
    """Tear down TIER's PR environments whose pull request closed long ago."""
    from tierform.ci.sweep import sweep

    ctx = _context(tier, root)
    age = ctx.platform.platform.ci.sweep_after_days if days is None else days
    with _could_not_run():
        for line in sweep(ctx, repo, age):
            print(f"tierform ci sweep: {line}")


@app.command("targets")
def targets_command(
    root: Root = None,
    github_output: Annotated[
        bool,
        typer.Option("--github-output", help="append targets=, has_targets= to $GITHUB_OUTPUT"),
    ] = False,
) -> None:
    """The target tiers (config `ci.targets`) with each one's plan environment, as JSON, for
    the workflows' matrix (`targets=` is `{"include": [...]}`, for `fromJSON`)."""
    import json

    from tierform.command_io import append_github_file
    from tierform.config.promotion import plan_environment
    from tierform.release.context import load_root_platform

    try:
        _, platform = load_root_platform(root)
    except ConfigError as exc:
        raise CiInputError(str(exc)) from None
    promotion = platform.platform.promotion
    # Data CI, PR teardown and the sweep read the tier's ledger and build as its dbt
    # identity: the tier's plan environment, the same one its PR plans and drift use.
    targets = [
        {"tier": tier, "plan_environment": plan_environment(promotion, tier)}
        for tier in platform.platform.ci.targets
    ]
    print(json.dumps(targets, indent=2))
    if github_output:
        matrix = json.dumps({"include": targets}, separators=(",", ":"))
        has = "true" if targets else "false"
        append_github_file("GITHUB_OUTPUT", f"targets={matrix}\nhas_targets={has}\n", "ci targets")


def _expected_targets(root: Path | None) -> list[str]:
    """The tiers that should have reported. The comment is posted even when the config does
    not load (the data CI jobs then said why), from the results alone."""
    from tierform.release.context import load_root_platform

    try:
        _, platform = load_root_platform(root)
    except ConfigError as exc:
        print(
            f"tierform ci comment: config not loaded, listing results only: {exc}", file=sys.stderr
        )
        return []
    return list(platform.platform.ci.targets)


@app.command("comment")
def comment_command(
    results: Annotated[Path, typer.Option("--results", help="folder of <tier>.json files")],
    pr: Annotated[int | None, typer.Option("--pr", help="post/update the PR comment")] = None,
    repo: Annotated[str | None, typer.Option("--repo", envvar="GITHUB_REPOSITORY")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="write the body here")] = None,
    root: Root = None,
) -> None:
    """The PR comment's "Data CI" section, one part per target tier (config `ci.targets`;
    a target whose job left no results file is listed as having no result)."""
    found = report.read_results(results) if results.is_dir() else []
    sections = report.sections_for(found, _expected_targets(root))
    body = report.comment_body(sections or ["No data CI result was produced (see the jobs)."])
    if output is not None:
        output.write_text(body, encoding="utf-8")
    if pr is not None:
        from tierform.gitops.github import GitHubError, upsert_comment

        if not repo:
            raise CiInputError("--pr needs --repo or $GITHUB_REPOSITORY")
        try:
            print(f"tierform ci comment: {upsert_comment(repo, pr, body)}")
        except GitHubError as exc:
            print(f"tierform ci comment: {exc}", file=sys.stderr)
            raise typer.Exit(1) from None
    elif output is None:
        print(body)
