"""`tierform promotion-check --tier T --commit SHA`: may this commit be planned/applied to T?

A tier's promotion rule may require other tiers (`requires: [staging]`): the commit must be
recorded as successfully deployed to each of them in their release ledgers. The deploy
workflow runs this before planning and before applying; without the record it fails with
the reason, so prod only ever gets what staging ran.
Exit 0 allowed, 1 refused (or a ledger unreachable: fail closed), 2 bad input.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from tierform.cli_options import ConfigOption
from tierform.command_io import load_or_exit, tier_or_exit
from tierform.config import EXIT_BAD_INPUT, PlatformConfig
from tierform.ledger import CorruptRecord, LedgerError, deployments, tier_ledger

COMMIT = re.compile(r"^[0-9a-f]{40}$")


class Refused(Exception):
    pass


def check(platform: PlatformConfig, tier: str, commit: str) -> list[str]:
    """Lines saying why the commit may go to the tier; raises Refused with the reason."""
    rule = platform.platform.promotion.tiers.get(tier)
    if rule is None or not rule.requires:
        return [f"tier {tier!r} requires no earlier tier"]
    said = []
    for required in rule.requires:
        ledger = tier_ledger(platform, platform.tiers[required])
        found = deployments.deployed(ledger, commit)
        if found is None or found.get("outcome") != "success":
            last = deployments.last_success(ledger)
            seen = (
                f"{required} last deployed {last['commit'][:12]} at {last['finished_at']}"
                if last
                else f"{required} has no successful deployment recorded"
            )
            raise Refused(
                f"tier {tier!r} requires commit {commit[:12]} to be deployed successfully to "
                f"{required!r} first, and {ledger.location} records no such deployment ({seen}); "
                f"deploy it to {required} first"
            )
        said.append(
            f"{required} deployed {commit[:12]} at {found['finished_at']}"
            + (f" ({found['run_url']})" if found.get("run_url") else "")
        )
    return said


def promotion_check_command(
    tier: Annotated[str, typer.Option("--tier", help="the tier about to be planned or applied")],
    commit: Annotated[str, typer.Option("--commit", help="full 40-character commit SHA")],
    config: ConfigOption = Path("config"),
) -> None:
    """Refuse (exit 1) a commit that the tier's required tiers have not deployed."""
    if not COMMIT.match(commit):
        print(
            f"tierform promotion-check: --commit {commit!r}: expected a full 40-character SHA",
            file=sys.stderr,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    platform = load_or_exit(config)
    tier_or_exit(platform, tier, "promotion-check")
    try:
        lines = check(platform, tier, commit)
    except Refused as exc:
        print(f"tierform promotion-check: REFUSED: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None
    except CorruptRecord as exc:
        print(f"tierform promotion-check: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except LedgerError as exc:  # cannot prove it: fail closed
        print(f"tierform promotion-check: REFUSED: cannot read the ledger: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None
    for line in lines:
        print(f"tierform promotion-check: ok: {line}")
