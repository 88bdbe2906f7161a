"""`python -m tierform policy`: the policy gate as a CLI command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tierform.config.errors import CONFIG_VARIABLE
from tierform.policy.gate import GateOptions, run_gate


def policy(
    outdir: Annotated[Path, typer.Option("--outdir", help="synthesized output to check")] = Path(
        "cdktf.out"
    ),
    config: Annotated[
        Path,
        typer.Option(
            "--config",
            envvar=CONFIG_VARIABLE,
            help="configuration folder (gives each stack its tier)",
        ),
    ] = Path("config"),
    results: Annotated[
        Path, typer.Option("--results", help="folder for policy.sarif and policy.junit.xml")
    ] = Path("results/policy"),
    plan: Annotated[
        list[str] | None,
        typer.Option(
            "--plan", help="`terraform show -json` plan to guard: STACK=FILE or FILE (repeatable)"
        ),
    ] = None,
    suppressions: Annotated[
        Path | None,
        typer.Option(
            "--suppressions", help="suppressions file (default <config>/policy-suppressions.yaml)"
        ),
    ] = None,
) -> None:
    """Policy gate on an existing cdktf output: exit 0 pass, 1 a check failed, 2 unusable."""
    code = run_gate(GateOptions(outdir, config, results, tuple(plan or ()), suppressions))
    raise typer.Exit(code)
