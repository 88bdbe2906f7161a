"""`tierform apply-plan --tier T --plan FILE`: apply exactly the plan that was reviewed.

`cdktf deploy` re-plans, so what it applies may differ from what the PR showed. Applying
the saved plan file instead guarantees it does not; Terraform refuses a plan whose state
changed since it was made ("stale"), and we say what that means and what to do.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tierform.gitops import terraform
from tierform.gitops.terraform import DEFAULT_OUTDIR, TerraformError

EXIT_STALE = 3


class StalePlanError(TerraformError):
    pass


class BadPlanFile(TerraformError):
    """Not a saved plan at all (missing, a folder or FIFO, not Terraform's zip): exit 2."""

    exit_code = 2


def apply_plan(stack: str, plan_file: Path, *, outdir: Path = DEFAULT_OUTDIR) -> None:
    folder = terraform.stack_dir(stack, outdir)
    if not plan_file.is_file():
        raise BadPlanFile(f"{plan_file}: plan file not found")
    with plan_file.open("rb") as handle:  # a saved plan is a zip archive
        if handle.read(4) != b"PK\x03\x04":
            raise BadPlanFile(
                f"{plan_file}: not a saved Terraform plan (`tierform plan` or "
                "`terraform plan -out=FILE` writes one; the .json is for reading)"
            )
    terraform.init(folder)
    result = terraform.run_tee(
        folder, "apply", "-input=false", "-no-color", str(plan_file.resolve())
    )
    if result.returncode == 0:
        return
    if "Saved plan is stale" in result.output:
        raise StalePlanError(
            f"{plan_file} is stale: the state of {stack!r} changed after this plan was made "
            "(another apply ran), so it no longer shows what would happen. Nothing was "
            f"applied. Plan again (`tierform diff --tier {stack}` or `tierform plan --tier "
            f"{stack}`), review the new plan, then apply that one."
        )
    raise TerraformError(f"terraform apply {plan_file} failed for {stack!r} (see the output above)")


def apply_plan_command(
    tier: Annotated[
        str, typer.Option("--tier", help="tier (or sandbox stack) the plan was made for")
    ],
    plan: Annotated[
        Path, typer.Option("--plan", help="the saved plan file (`tierform plan` output)")
    ],
    outdir: Annotated[Path, typer.Option("--outdir", help="cdktf output folder")] = DEFAULT_OUTDIR,
) -> None:
    """terraform apply of a saved, reviewed plan file in the tier's stack folder."""
    try:
        apply_plan(tier, plan, outdir=outdir)
    except StalePlanError as exc:
        print(f"tierform apply-plan: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_STALE) from None
    except TerraformError as exc:
        print(f"tierform apply-plan: {exc}", file=sys.stderr)
        raise typer.Exit(getattr(exc, "exit_code", 1)) from None
    print(f"tierform apply-plan: applied {plan} to {tier}", file=sys.stderr)
