"""`tierform record-deployed --tier T`: after a successful apply, record what the tier now
is (kind, protection, data stores), so a later config that weakens it is refused at load
(tierform/config/deployed.py). Run it only after the apply succeeded."""

from __future__ import annotations

from pathlib import Path

import typer

from tierform.cli_options import ConfigOption
from tierform.command_io import load_or_exit, tier_or_exit
from tierform.config import deployed

_TIER = typer.Option(..., "--tier", help="the tier that was just deployed")


def record_deployed_command(tier: str = _TIER, config: ConfigOption = Path("config")) -> None:
    """Record the tier's kind, protection and data stores as deployed (after an apply)."""
    platform = load_or_exit(config)
    record = deployed.DeployedProtection.of(tier_or_exit(platform, tier, "record-deployed"))
    path = deployed.save(deployed.default_dir(platform.work_root), record)
    state = "protected" if record.protected else "unprotected"
    print(
        f"recorded {tier} ({record.kind}, {state}, {len(record.data_stores)} data stores) in {path}"
    )
