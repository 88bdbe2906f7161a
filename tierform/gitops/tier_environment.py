"""`tierform environment --tier T --job plan|apply|ci`: the GitHub environment that job of
tier T runs in, from config/platform.yaml `promotion:` (the tier's `environment` and
`plan_environment`; see apply_environment() and plan_environment()).

For workflows whose tier is typed in (rollback.yml): their job's `environment:` comes from
here, never from the typed name, so rolling back a tier whose apply environment is
`production` runs behind that environment's reviewers, not in one GitHub creates on the
fly, with none, for the tier's name. An unknown tier is refused before anything runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tierform.cli_options import ConfigOption, TierEnvironmentOutput
from tierform.command_io import append_github_file, load_or_exit, tier_or_exit
from tierform.config import EXIT_BAD_INPUT
from tierform.config.promotion import apply_environment, plan_environment

# As `tierform inputs --job`: plans and a PR's data CI hold read-only credentials.
JOBS = {"plan": plan_environment, "ci": plan_environment, "apply": apply_environment}


def environment_command(
    tier: Annotated[str, typer.Option("--tier", help="a tier of the config")],
    job: Annotated[str, typer.Option("--job", help="plan | apply | ci")],
    config: ConfigOption = Path("config"),
    github_output: TierEnvironmentOutput = False,
) -> None:
    """The GitHub environment of TIER's JOB (exit 2 for a tier the config does not declare)."""
    if job not in JOBS:
        print(f"tierform environment: --job {job!r}: expected plan, apply or ci", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT)
    platform = load_or_exit(config)
    tier_or_exit(platform, tier, "environment")
    if job == "apply" and tier not in platform.platform.promotion.tiers:
        # No rule: CI never deploys the tier (a local tier runs on a laptop), so there is
        # nothing for a CI job to write to; a rollback there would change the tier's ledger
        # from a throwaway runner.
        print(
            f"tierform environment: --tier {tier!r} has no promotion rule "
            "(platform.yaml promotion.tiers), so CI never deploys it and it has no apply "
            f"environment; roll it back where it is deployed: `make rollback TIER={tier}`",
            file=sys.stderr,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    environment = JOBS[job](platform.platform.promotion, tier)
    print(environment)
    if github_output:
        append_github_file(
            "GITHUB_OUTPUT", f"tier={tier}\nenvironment={environment}\n", "environment"
        )
