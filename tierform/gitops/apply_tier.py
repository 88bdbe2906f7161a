"""`tierform apply --tier T [--plan FILE]`: apply a tier the way its promotion rule says.

- `apply: deploy` runs `cdktf deploy T --auto-approve` (the real CLI: synth, plan, apply).
  It plans again, so it applies what the code says now — fine where nobody approves.
- `apply: reviewed-plan` applies exactly the saved plan the approvers saw (`tierform diff`
  output, default plans/T.tfplan) with tierform/gitops/apply_plan.py: a stale plan is
  refused (exit 3) and nothing is applied; no plan at all is exit 2.

The mode's rule (and its default: reviewed-plan on protected tiers) is apply_mode() in
tierform/config/promotion.py, the same one `tierform promotion` reports to the workflows.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tierform.cli_options import ConfigOption
from tierform.config import EXIT_BAD_INPUT, PlatformConfig
from tierform.config.promotion import ApplyMode, apply_mode
from tierform.gitops import cdktf_cli
from tierform.gitops.apply_plan import EXIT_STALE, StalePlanError, apply_plan
from tierform.gitops.terraform import DEFAULT_OUTDIR, TerraformError


class ApplyFailed(RuntimeError):
    """The apply ran and failed (exit 1); the message is the first error line."""


class MissingPlan(ValueError):
    """reviewed-plan without a plan file (exit 2): there is nothing reviewed to apply."""


def tier_apply_mode(platform: PlatformConfig, stack: str) -> ApplyMode:
    """The mode of a tier, or of the tier a sandbox stack belongs to."""
    tier = platform.stack_tier(stack)
    rule = platform.platform.promotion.tiers.get(stack)
    return apply_mode(rule, tier.is_protected)


def deploy(
    stack: str,
    *,
    outdir: Path = DEFAULT_OUTDIR,
    config: Path | None = None,
    skip_synth: bool = False,
    root: Path = Path("."),
) -> None:
    args = ["deploy", stack, "--auto-approve", "--no-color", "--output", str(outdir)]
    if skip_synth:
        args.append("--skip-synth")
    result = cdktf_cli.run(args, stack=stack, root=root, config=config)
    if result.returncode != 0:
        error = cdktf_cli.first_error_line(result.output)
        raise ApplyFailed(error or f"cdktf deploy {stack} failed (exit code {result.returncode})")


def apply_reviewed_plan(
    stack: str,
    plan: Path,
    *,
    outdir: Path = DEFAULT_OUTDIR,
    config: Path | None = None,
    skip_synth: bool = False,
    root: Path = Path("."),
) -> None:
    if not plan.is_file():
        raise MissingPlan(
            f"{plan}: no saved plan for {stack!r}. It applies in mode `reviewed-plan` "
            "(promotion rule `apply:`; the default for protected tiers): only a plan someone "
            f"reviewed is applied. Make one with `tierform diff --tier {stack}` (or "
            f"`make diff TIER={stack}`), review it, then pass it with --plan"
        )
    if not skip_synth:
        # The stack folder (backend settings, providers) is where the plan is applied.
        result = cdktf_cli.run(
            ["synth", "--output", str(outdir)], stack=stack, root=root, config=config
        )
        if result.returncode != 0:
            error = cdktf_cli.first_error_line(result.output)
            raise ApplyFailed(error or f"cdktf synth failed (exit code {result.returncode})")
    apply_plan(stack, plan, outdir=outdir)


def apply_command(
    tier: Annotated[str, typer.Option("--tier", help="tier (or sandbox stack) to apply")],
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan", help="reviewed plan file (reviewed-plan; default plans/TIER.tfplan)"
        ),
    ] = None,
    config: ConfigOption = Path("config"),
    outdir: Annotated[Path, typer.Option("--outdir", help="cdktf output folder")] = DEFAULT_OUTDIR,
    skip_synth: Annotated[
        bool, typer.Option("--skip-synth", help="use the stack already in --outdir")
    ] = False,
) -> None:
    """Apply TIER as its promotion rule says: `cdktf deploy`, or exactly the reviewed plan."""
    from tierform.command_io import load_or_exit

    platform = load_or_exit(config)
    if tier not in platform.stack_names:
        print(
            f"tierform apply: --tier {tier!r}: not a tier or sandbox stack of {config} "
            f"(stacks: {', '.join(platform.stack_names)})",
            file=sys.stderr,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    mode = tier_apply_mode(platform, tier)
    print(f"tierform apply: {tier}: apply mode {mode}", file=sys.stderr)
    try:
        if mode == "deploy":
            if plan is not None:
                print(
                    f"tierform apply: {tier}: apply: deploy plans again; --plan {plan} is not used",
                    file=sys.stderr,
                )
            deploy(tier, outdir=outdir, config=config, skip_synth=skip_synth)
        else:
            plan = plan or Path("plans") / f"{tier}.tfplan"
            apply_reviewed_plan(tier, plan, outdir=outdir, config=config, skip_synth=skip_synth)
    except MissingPlan as exc:
        print(f"tierform apply: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except StalePlanError as exc:
        print(f"tierform apply: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_STALE) from None
    except (ApplyFailed, TerraformError, cdktf_cli.CdktfCliError) as exc:
        print(f"tierform apply: {tier}: failed: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None
    print(f"tierform apply: {tier}: applied ({mode})", file=sys.stderr)
