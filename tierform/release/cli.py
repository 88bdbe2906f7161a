"""`python -m tierform.release dbt|dags|rollback|status|repair|unlock|… --tier T` (typer).

Exit codes: 0 done, 1 the release failed (a dbt node, a DAG import error, a publish error,
the tier locked by another release, the ledger unreachable), 2 bad input (configuration,
unknown tier, a damaged ledger record — named in the message).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import typer

from tierform.config import EXIT_BAD_INPUT, ConfigError
from tierform.ledger import CorruptRecord, LedgerError
from tierform.release.context import ReleaseContext, ReleaseError, load_context
from tierform.release.lock import tier_lock
from tierform.release.report import Reporter

app = typer.Typer(
    name="tierform.release",
    help="Release steps run by each tier's Terraform stack: dbt build, DAG publish, "
    "Git folders refresh.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

PlanFileOption = typer.Option(None, "--plan-file", help="the applied plan (its digest is kept)")
TierOption = typer.Option(..., "--tier", "-t", help="tier name (config/tiers/<tier>.yaml)")
RootOption = typer.Option(
    None,
    "--root",
    help="repository root (default: $TIERFORM_ROOT, else the config folder's repository root)",
)


def _context(tier: str, root: Path | None) -> ReleaseContext:
    try:
        return load_context(tier, root)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _run(
    step: str, tier: str, root: Path | None, action, *, locked: bool = True, precheck=None
) -> None:
    """`precheck(ctx)` raises ReleaseError when the tier has nothing to do, before the ledger
    is touched (a tier without DAGs needs no lock, and no credentials for its store)."""
    ctx = _context(tier, root)
    report = Reporter(step, tier)
    try:
        if precheck is not None:
            precheck(ctx)
        if locked:
            with tier_lock(ctx, report, step):
                ok = action(ctx, report)
        else:
            ok = action(ctx, report)
    except CorruptRecord as exc:
        report.fail(str(exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except (ReleaseError, LedgerError) as exc:
        report.fail(str(exc))
        # 1: the release failed; 2 (exit_code) for input it refuses, e.g. a DAGs folder
        # Tierform did not create.
        raise typer.Exit(getattr(exc, "exit_code", 1)) from None
    if ok is False:
        raise typer.Exit(1)


@app.command()
def dbt(
    tier: str = TierOption,
    slim: bool = typer.Option(
        None,
        "--slim/--full",
        help="build only state:modified+ deferring to the last successful build "
        "(default: the tier's release.dbt.slim)",
    ),
    root: Path | None = RootOption,
) -> None:
    """`dbt deps` (if packages are declared), then `dbt build --target <tier's target>`;
    on a tier whose runner is dbt Cloud, a run of its deploy job for the commit."""
    from tierform.release.dbt_build import dbt_step, release_dbt

    def precheck(ctx):
        step = dbt_step(ctx)
        if step.runner == "dbt_cloud":
            from tierform.dbt_cloud.release_step import precheck as cloud_precheck

            cloud_precheck(step)

    def action(ctx, report):
        step = dbt_step(ctx)
        if step.runner == "dbt_cloud":
            from tierform.dbt_cloud.release_step import release_dbt_cloud

            if slim is not None:
                report.info("--slim/--full: the dbt Cloud deploy job's commands decide what builds")
            return release_dbt_cloud(ctx, report, step)
        return release_dbt(ctx, report, slim=slim).success

    _run("dbt", tier, root, action, precheck=precheck)


@app.command()
def dags(tier: str = TierOption, root: Path | None = RootOption) -> None:
    """Validate the DAGs with Airflow's parser, then publish them as a new release."""
    from tierform.release.dag_release import dag_target, release_dags

    _run("dags", tier, root, release_dags, precheck=dag_target)


@app.command("git-folders")
def git_folders(tier: str = TierOption, root: Path | None = RootOption) -> None:
    """Check the tier's workspace Git folder out at its ref's latest commit (Repos API) and
    warn when it shows another commit than the one the tier's jobs run."""
    from tierform.release.git_folders import git_folders_precheck, refresh_git_folders

    _run(
        "git-folders", tier, root, refresh_git_folders, locked=False, precheck=git_folders_precheck
    )


@app.command()
def rollback(
    tier: str = TierOption,
    to: str | None = typer.Option(
        None, "--to", help="release id to activate (default: the previous)"
    ),
    step: str = typer.Option(
        "dags",
        "--step",
        help="dags: the DAG release (default); dbt: swap the blue/green data back",
    ),
    root: Path | None = RootOption,
) -> None:
    """Re-activate the DAG release before the active one (or the one --to names); with
    `--step dbt`, make the previous published dbt build live again."""
    from tierform.release.dag_release import dag_target
    from tierform.release.dag_release import rollback as do_rollback

    if step not in ("dags", "dbt"):
        print(f"--step {step!r}: expected dags or dbt", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT)
    if step == "dbt":
        if to is not None:
            print("--to applies to --step dags only", file=sys.stderr)
            raise typer.Exit(EXIT_BAD_INPUT)
        from tierform.release.dbt_build import dbt_step
        from tierform.release.dbt_publish import rollback as dbt_rollback

        _run(
            "rollback",
            tier,
            root,
            lambda ctx, report: dbt_rollback(ctx, report, dbt_step(ctx)),
            precheck=dbt_step,
        )
        return
    _run(
        "rollback",
        tier,
        root,
        lambda ctx, report: do_rollback(ctx, report, to=to),
        precheck=dag_target,
    )


@app.command()
def repair(tier: str = TierOption, root: Path | None = RootOption) -> None:
    """Make the tier's DAG release record consistent (damaged state, interrupted switch,
    partial uploads); the active release is kept and re-published if in doubt."""
    from tierform.release.dag_release import dag_target
    from tierform.release.dag_release import repair as do_repair

    _run("repair", tier, root, do_repair, precheck=dag_target)


@app.command()
def unlock(
    tier: str = TierOption,
    lock_id: str = typer.Option(..., "--lock-id", help="the id the lock message names"),
    root: Path | None = RootOption,
) -> None:
    """Remove a stuck release lock of the tier (as `terraform force-unlock`)."""
    from tierform.ledger.lease import describe
    from tierform.ledger.lease import unlock as do_unlock

    def action(ctx, report):
        removed = do_unlock(ctx.ledger, lock_id)
        report.ok(f"removed the lock of {describe(removed)}")

    _run("unlock", tier, root, action, locked=False)


@app.command("record-deployment")
def record_deployment(
    tier: str = TierOption,
    outcome: str = typer.Option(..., "--outcome", help="success or failure"),
    commit: str | None = typer.Option(None, "--commit", help="default: $GITHUB_SHA or git HEAD"),
    plan_file: Path | None = PlanFileOption,
    run_url: str | None = typer.Option(None, "--run-url", help="default: this GitHub run"),
    root: Path | None = RootOption,
) -> None:
    """Record one apply of the tier (commit, outcome, plan digest, who, run) in its ledger."""
    from tierform.ledger.deployments import OUTCOMES
    from tierform.release.deployment import record_deployment as record

    if outcome not in OUTCOMES:
        print(f"--outcome {outcome!r}: expected one of {', '.join(OUTCOMES)}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT)

    def action(ctx, report):
        entry = record(ctx, outcome, commit=commit, plan_file=plan_file, url=run_url)
        report.ok(
            f"recorded {outcome} of commit {entry['commit'][:10]} in {ctx.ledger.url(entry['key'])}"
        )

    _run("deployment", tier, root, action, locked=False)


GithubEnvOption = typer.Option(
    None, "--github-env", help="append NAME=<commit> to $GITHUB_ENV (CI)", metavar="NAME"
)


@app.command()
def deployed(
    tier: str = TierOption,
    root: Path | None = RootOption,
    github_env: str | None = GithubEnvOption,
) -> None:
    """Print the commit the tier last deployed successfully (exit 1 when none is recorded).
    With --github-env NAME (a CI job), append NAME=<commit> to $GITHUB_ENV instead; none
    recorded is then a notice, exit 0, and the job keeps its own value of NAME."""
    from tierform.command_io import append_github_file
    from tierform.ledger.deployments import last_success

    def action(ctx, report):
        entry = last_success(ctx.ledger)
        if entry is None:
            message = (
                f"no successful deployment of tier {tier!r} is recorded in {ctx.ledger.location}"
            )
            if github_env:
                print(f"::notice::{message}; {github_env} keeps the job's value")
                return True
            report.fail(message)
            return False
        if github_env:
            append_github_file(
                "GITHUB_ENV", f"{github_env}={entry['commit']}\n", "release deployed"
            )
            print(f"{github_env}={entry['commit']} (last deployment of {tier})")
            return True
        print(entry["commit"])

    _run("deployed", tier, root, action, locked=False)


StatusDirOption = typer.Option(
    None, "--status-dir", help="PR plans: write <tier>.status.json (failed) when refused"
)


@app.command("protection-check")
def protection_check(
    tier: str = TierOption,
    root: Path | None = RootOption,
    status_dir: Path | None = StatusDirOption,
) -> None:
    """Refuse (exit 2) a config that weakens what the tier's last successful deployment
    recorded in its ledger (protection, kind, protected data stores), unless `retire:` names
    it. CI runs it on a fresh runner before planning or applying a tier."""
    from tierform.release.deployment import fetch_protection

    report = Reporter("protection", tier)

    def failed(message: str, code: int) -> typer.Exit:
        # Whatever stops the check, the PR comment says why this tier has no plan.
        if status_dir is not None:
            from tierform.gitops.plan_status import TierStatus, write_status

            first = message.splitlines()[0] if message else "the protection check failed"
            write_status(status_dir, TierStatus(tier, "failed", f"protection check: {first}"))
        return typer.Exit(code)

    try:
        ctx = load_context(tier, root)  # enforces this machine's record, if any
        record = fetch_protection(ctx)
        if record is not None:
            load_context(tier, root)  # enforces the record just fetched from the ledger
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        raise failed(str(exc), EXIT_BAD_INPUT) from None
    except CorruptRecord as exc:
        report.fail(str(exc))
        raise failed(str(exc), EXIT_BAD_INPUT) from None
    except (ReleaseError, LedgerError) as exc:
        report.fail(str(exc))
        raise failed(str(exc), 1) from None
    if record is None:
        report.ok(f"no protected deployment of {tier!r} recorded in {ctx.ledger.location}")
        return
    state = "protected" if record.protected else "unprotected"
    report.ok(
        f"config keeps what {tier} deployed ({record.kind}, {state}, "
        f"{len(record.data_stores)} data stores)"
    )


@app.command()
def summary(
    github_summary: bool = typer.Option(
        False, "--github-summary", help="append to $GITHUB_STEP_SUMMARY instead of stdout"
    ),
    root: Path | None = RootOption,
) -> None:
    """Markdown status of every tier (for a CI job summary); a tier whose ledger cannot be
    read is reported as such, not skipped."""
    from tierform.release.context import load_root_platform
    from tierform.release.status import markdown_summary

    try:
        repo_root, platform = load_root_platform(root)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    text = markdown_summary(platform, repo_root)
    if github_summary:
        target = os.environ.get("GITHUB_STEP_SUMMARY")
        if not target:
            print("--github-summary needs $GITHUB_STEP_SUMMARY", file=sys.stderr)
            raise typer.Exit(EXIT_BAD_INPUT)
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)
    else:
        print(text, end="")


@app.command()
def status(
    tier: str = TierOption,
    as_json: bool = typer.Option(False, "--json", help="machine-readable output"),
    hints: bool = typer.Option(False, "--hints", help="also say how to look at local results"),
    root: Path | None = RootOption,
) -> None:
    """What is released where: DAG release (hash, time, DAG ids), last dbt result, last
    deployment, the lock — from the tier's ledger."""
    from tierform.release.status import how_to_look, render, tier_status

    try:
        data = tier_status(_context(tier, root))
    except CorruptRecord as exc:
        print(f"tierform-release[status {tier}] FAILED: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except LedgerError as exc:
        print(f"tierform-release[status {tier}] FAILED: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None
    if as_json:
        print(json.dumps(data, indent=2))
        return
    print("\n".join(render(data)))
    if hints:
        print("\n".join(how_to_look(data)))


def main() -> None:
    from tierform.guard import run_guarded

    run_guarded(app, "tierform.release")
