"""`tierform diff --tier T`: the real `cdktf diff T`, and what PR CI keeps of it.

cdktf diff synthesizes T (TIERFORM_TIERS=T), runs `terraform plan -out plan` in
cdktf.out/stacks/T and prints the plan. For a stack with an HCP Terraform `cloud` backend,
which cdktf plans without `-out`, we add it (cdktf_cli.cli_env): the plan is then a saved
cloud plan, a bookmark of the HCP run that is shown and applied the same way. The plan file stays in the stack folder (our synth
carries it, see tierform/stacks/app.py) for `cdktf deploy`-free applies, and is exported:

  <out>/T.tfplan       a copy of that plan (the reviewed plan a merge applies)
  <out>/T.json         `terraform show -json` of it (policy gate, PR comment)
  <out>/T.status.json  planned | no-changes | failed, with the first error line

A failed diff still writes T.status.json (and nothing else), then exits 1.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from tierform.cli_options import ConfigOption
from tierform.config.backend import CloudBackendSpec
from tierform.gitops import cdktf_cli, terraform
from tierform.gitops.plan_model import PlanFormatError, load_plan
from tierform.gitops.plan_status import (
    FAILED,
    NO_CHANGES,
    PLANNED,
    TierStatus,
    status_path,
    write_status,
)
from tierform.gitops.terraform import DEFAULT_OUTDIR, TerraformError

CDKTF_PLAN_FILE = cdktf_cli.PLAN_FILE


def exported_files(out: Path, tier: str) -> tuple[Path, Path, Path]:
    return out / f"{tier}.tfplan", out / f"{tier}.json", status_path(out, tier)


def diff_tier(
    tier: str,
    out: Path,
    *,
    outdir: Path = DEFAULT_OUTDIR,
    config: Path | None = None,
    skip_synth: bool = False,
    lock: bool = True,
    root: Path = Path("."),
    cloud_backend: bool = False,
) -> TierStatus:
    """Run `cdktf diff tier`, export its plan; the status is also written to out/."""
    stack_plan = outdir / "stacks" / tier / CDKTF_PLAN_FILE
    # Whatever an earlier run left must not pass for this run's result: a failed plan
    # leaves no plan file behind, and a stale one must not be exported in its place.
    for old in (*exported_files(out, tier), stack_plan):
        old.unlink(missing_ok=True)
    args = ["diff", tier, "--no-color", "--output", str(outdir)]
    if skip_synth:
        args.append("--skip-synth")
    try:
        if skip_synth:
            terraform.stack_dir(tier, outdir)  # a clear line instead of the CLI's
        result = cdktf_cli.run(
            args, stack=tier, root=root, config=config, lock=lock, save_cloud_plan=cloud_backend
        )
        status = _export(tier, out, result, stack_plan)
    except (TerraformError, cdktf_cli.CdktfCliError) as exc:
        status = TierStatus(tier, FAILED, str(exc).strip().splitlines()[0])
    write_status(out, status)
    return status


def _export(tier: str, out: Path, result: cdktf_cli.CliResult, stack_plan: Path) -> TierStatus:
    if result.returncode != 0:
        error = cdktf_cli.first_error_line(result.output)
        return TierStatus(
            tier, FAILED, error or f"cdktf diff {tier} failed (exit code {result.returncode})"
        )
    if not stack_plan.is_file():
        # Terraform saves the plan whenever it succeeds (a cloud stack's too, with the -out
        # we add); a missing file means the plan cannot be reviewed, so it must not pass.
        return TierStatus(
            tier,
            FAILED,
            f"cdktf diff {tier} succeeded but saved no plan file ({stack_plan}), so there "
            "is no plan to review and apply",
        )
    tfplan, plan_json, _ = exported_files(out, tier)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(stack_plan, tfplan)
    plan_json.write_text(terraform.show_json(stack_plan.parent, stack_plan), encoding="utf-8")
    try:
        plan = load_plan(plan_json)
    except PlanFormatError as exc:
        return TierStatus(tier, FAILED, str(exc))
    return TierStatus(tier, PLANNED if plan.has_changes else NO_CHANGES)


def diff_command(
    tier: Annotated[str, typer.Option("--tier", help="tier (or sandbox stack) to diff")],
    out: Annotated[
        Path, typer.Option("--out", help="folder for <tier>.tfplan, .json and .status.json")
    ] = Path("plans"),
    config: ConfigOption = Path("config"),
    outdir: Annotated[Path, typer.Option("--outdir", help="cdktf output folder")] = DEFAULT_OUTDIR,
    skip_synth: Annotated[
        bool, typer.Option("--skip-synth", help="use the stack already in --outdir")
    ] = False,
    lock: Annotated[
        bool, typer.Option("--lock/--no-lock", help="take the state lock (PRs: --no-lock)")
    ] = True,
) -> None:
    """`cdktf diff TIER`; keeps its plan and exports it for the policy gate and PR comment."""
    from tierform.command_io import load_or_exit

    platform = load_or_exit(config)
    if tier not in platform.stack_names:
        print(
            f"tierform diff: --tier {tier!r}: not a tier or sandbox stack of {config} "
            f"(stacks: {', '.join(platform.stack_names)})",
            file=sys.stderr,
        )
        raise typer.Exit(2)
    status = diff_tier(
        tier,
        out,
        outdir=outdir,
        config=config,
        skip_synth=skip_synth,
        lock=lock,
        cloud_backend=isinstance(platform.stack_tier(tier).backend, CloudBackendSpec),
    )
    if status.failed:
        print(f"tierform diff: {tier}: failed: {status.error}", file=sys.stderr)
        print(f"tierform diff: wrote {status_path(out, tier)}", file=sys.stderr)
        raise typer.Exit(1)
    what = "has changes" if status.status == PLANNED else "no changes"
    print(
        f"tierform diff: {tier}: {what}; kept {outdir / 'stacks' / tier / CDKTF_PLAN_FILE}, "
        f"wrote {out / (tier + '.tfplan')}, .json and .status.json",
        file=sys.stderr,
    )
