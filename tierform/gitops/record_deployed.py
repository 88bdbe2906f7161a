"""`tierform record-deployed --tier T`: after a successful apply, record what the tier now
is (kind, protection, data stores), so a later config that weakens it is refused at load
(tierform/config/deployed.py). Run it only after the apply succeeded."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from tierform.config import EXIT_BAD_INPUT, ConfigError, deployed, load_platform

_TIER = typer.Option(..., "--tier", help="the tier that was just deployed")
_CONFIG = typer.Option(Path("config"), "--config", help="configuration folder")


def record_deployed_command(tier: str = _TIER, config: Path = _CONFIG) -> None:
    """Record the tier's kind, protection and data stores as deployed (after an apply)."""
    try:
        platform = load_platform(config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if tier not in platform.tiers:
        print(
            f"--tier: {tier!r} is not a tier (tiers: {', '.join(platform.tiers)})", file=sys.stderr
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    record = deployed.DeployedProtection.of(platform.tier(tier))
    path = deployed.save(deployed.default_dir(platform.repo_root), record)
    state = "protected" if record.protected else "unprotected"
    print(
        f"recorded {tier} ({record.kind}, {state}, {len(record.data_stores)} data stores) in {path}"
    )
