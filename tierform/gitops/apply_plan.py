"""`tierform apply-plan --tier T --plan FILE`: apply exactly the plan that was reviewed.

`cdktf deploy` re-plans, so what it applies may differ from what the PR showed. Applying
the saved plan file instead guarantees it does not; Terraform refuses a plan whose state
changed since it was made ("stale"), and we say what that means and what to do.

A tier with an HCP Terraform `cloud` backend saves a cloud plan instead: a small JSON
bookmark of the run (Terraform ≥ 1.6). HCP Terraform keeps the plan and discards it when
another run applies first, its form of "stale"; a run without changes cannot be applied
there, which here means there is nothing to apply.
"""

from __future__ import annotations

import json
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


# Terraform's messages for a saved cloud plan that cannot be applied (internal/cloud/
# backend_apply.go, unusableSavedPlanError).
_CLOUD_STALE = "Saved plan is discarded"  # another run applied first (or someone discarded it)
# Saved cloud plans HCP Terraform will not apply, though the tier is as reviewed: nothing
# to do. (Terraform's message → what it means here.)
_CLOUD_NOTHING_TO_APPLY = {
    "Saved plan has no changes": "has no changes",
    # a re-run of the job that applied it
    "Saved plan is already applied": "was applied already (a re-run of the job)",
}

# A saved cloud plan bookmark: {"remote_plan_format": 1, "run_id": ..., "hostname": ...}.
_BOOKMARK_MAX_BYTES = 4096


def saved_plan_kind(plan_file: Path) -> str:
    """ "local" (Terraform's zip archive) or "cloud" (an HCP Terraform run's bookmark);
    BadPlanFile for anything else, before Terraform is asked to read it."""
    if not plan_file.is_file():
        raise BadPlanFile(f"{plan_file}: plan file not found")
    with plan_file.open("rb") as handle:
        head = handle.read(_BOOKMARK_MAX_BYTES + 1)
    if head.startswith(b"PK\x03\x04"):
        return "local"
    if len(head) <= _BOOKMARK_MAX_BYTES and _is_cloud_bookmark(head):
        return "cloud"
    raise BadPlanFile(
        f"{plan_file}: not a saved Terraform plan (`tierform plan` or "
        "`terraform plan -out=FILE` writes one; the .json is for reading)"
    )


def _is_cloud_bookmark(data: bytes) -> bool:
    try:
        bookmark = json.loads(data)
    except ValueError:
        return False
    return (
        isinstance(bookmark, dict)
        and bookmark.get("remote_plan_format") == 1
        and isinstance(bookmark.get("run_id"), str)
        and isinstance(bookmark.get("hostname"), str)
    )


def apply_plan(stack: str, plan_file: Path, *, outdir: Path = DEFAULT_OUTDIR) -> None:
    folder = terraform.stack_dir(stack, outdir)
    kind = saved_plan_kind(plan_file)
    terraform.init(folder)
    result = terraform.run_tee(
        folder, "apply", "-input=false", "-no-color", str(plan_file.resolve())
    )
    if result.returncode == 0:
        return
    for message, meaning in _CLOUD_NOTHING_TO_APPLY.items() if kind == "cloud" else ():
        if message in result.output:
            print(
                f"tierform apply-plan: {plan_file}: the reviewed HCP Terraform run {meaning}; "
                "nothing to apply",
                file=sys.stderr,
            )
            return
    if "Saved plan is stale" in result.output or (
        kind == "cloud" and _CLOUD_STALE in result.output
    ):
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
