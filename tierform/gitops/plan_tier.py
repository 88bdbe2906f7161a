"""`tierform plan --tier T`: what `cdktf diff T` shows, plus the saved plan and its JSON.

CI keeps `<out>/<tier>.tfplan` (the exact plan that was reviewed, applied later with
`tierform apply-plan`) and `<out>/<tier>.json` (read by `plan-summary` and the plan-level
policy). The human-readable plan goes to the log, as with `cdktf diff`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tierform.gitops import terraform
from tierform.gitops.terraform import DEFAULT_OUTDIR, TerraformError


def make_plan(
    stack: str,
    out: Path,
    *,
    outdir: Path = DEFAULT_OUTDIR,
    lock: bool = True,
    destroy: bool = False,
) -> bool:
    """Plan `stack` into out/<stack>.tfplan and .json; True when the plan has changes."""
    folder = terraform.stack_dir(stack, outdir)
    out.mkdir(parents=True, exist_ok=True)
    plan_file = (out / f"{stack}.tfplan").resolve()
    terraform.init(folder)
    args = ["plan", "-input=false", "-no-color", "-detailed-exitcode", f"-out={plan_file}"]
    if not lock:
        args.append("-lock=false")
    if destroy:
        args.append("-destroy")
    result = terraform.run(folder, *args, stream=True)
    if result.returncode == 1:
        raise TerraformError(f"terraform plan failed for {stack!r} (see the output above)")
    (out / f"{stack}.json").write_text(terraform.show_json(folder, plan_file), encoding="utf-8")
    return result.returncode == 2


def plan_command(
    tier: Annotated[str, typer.Option("--tier", help="tier (or sandbox stack) to plan")],
    out: Annotated[Path, typer.Option("--out", help="folder for <tier>.tfplan and .json")] = Path(
        "plans"
    ),
    outdir: Annotated[Path, typer.Option("--outdir", help="cdktf output folder")] = DEFAULT_OUTDIR,
    lock: Annotated[
        bool, typer.Option("--lock/--no-lock", help="take the state lock (PRs: --no-lock)")
    ] = True,
    destroy: Annotated[
        bool, typer.Option("--destroy", help="plan the removal of everything (sandboxes)")
    ] = False,
) -> None:
    """terraform plan of one synthesized stack, saved for review and for apply-plan."""
    try:
        changed = make_plan(tier, out, outdir=outdir, lock=lock, destroy=destroy)
    except TerraformError as exc:
        print(f"tierform plan: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None
    state = "has changes" if changed else "no changes"
    print(
        f"tierform plan: {tier}: {state}; saved {out / (tier + '.tfplan')} and .json",
        file=sys.stderr,
    )
