"""`python -m tierform.release dbt|dags|rollback|status --tier T` (typer).

Exit codes: 0 done, 1 the release failed (a dbt node, a DAG import error, a publish error),
2 bad input (configuration, unknown tier).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from tierform.config import EXIT_BAD_INPUT, ConfigError
from tierform.release.context import ReleaseContext, ReleaseError, load_context
from tierform.release.lock import tier_lock
from tierform.release.report import Reporter

app = typer.Typer(
    name="tierform.release",
    help="Release steps run by each tier's Terraform stack: dbt build, DAG publish.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

TierOption = typer.Option(..., "--tier", "-t", help="tier name (config/tiers/<tier>.yaml)")
RootOption = typer.Option(
    None, "--root", help="repository root (default: $TIERFORM_ROOT or the working directory)"
)


def _context(tier: str, root: Path | None) -> ReleaseContext:
    try:
        return load_context(tier, root)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _run(step: str, tier: str, root: Path | None, action) -> None:
    ctx = _context(tier, root)
    report = Reporter(step, tier)
    try:
        with tier_lock(ctx.release_dir):
            ok = action(ctx, report)
    except ReleaseError as exc:
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
    """`dbt deps` (if packages are declared), then `dbt build --target <tier's target>`."""
    from tierform.release.dbt_build import release_dbt

    _run("dbt", tier, root, lambda ctx, report: release_dbt(ctx, report, slim=slim).success)


@app.command()
def dags(tier: str = TierOption, root: Path | None = RootOption) -> None:
    """Validate the DAGs with Airflow's parser, then publish them as a new release."""
    from tierform.release.dag_release import release_dags

    _run("dags", tier, root, release_dags)


@app.command()
def rollback(tier: str = TierOption, root: Path | None = RootOption) -> None:
    """Re-activate the DAG release before the active one."""
    from tierform.release.dag_release import rollback as do_rollback

    _run("rollback", tier, root, do_rollback)


@app.command()
def status(
    tier: str = TierOption,
    as_json: bool = typer.Option(False, "--json", help="machine-readable output"),
    hints: bool = typer.Option(False, "--hints", help="also say how to look at local results"),
    root: Path | None = RootOption,
) -> None:
    """What is released where: DAG release (hash, time, DAG ids), last dbt result."""
    from tierform.release.status import how_to_look, render, tier_status

    data = tier_status(_context(tier, root))
    if as_json:
        print(json.dumps(data, indent=2))
        return
    print("\n".join(render(data)))
    if hints:
        print("\n".join(how_to_look(data)))


def main() -> None:
    from tierform.guard import run_guarded

    run_guarded(app, "tierform.release")
