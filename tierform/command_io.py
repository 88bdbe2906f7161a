"""What every command does at its edges, written once: load the configuration or exit 2,
pick a tier or exit 2, append to a file GitHub Actions hands the job ($GITHUB_OUTPUT,
$GITHUB_STEP_SUMMARY) or exit 2 when the job did not hand it over."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from tierform.config import EXIT_BAD_INPUT, ConfigError, PlatformConfig, load_platform
from tierform.config.tier import TierSpec


def load_or_exit(config: Path) -> PlatformConfig:
    """The validated config, or every problem on stderr and exit code 2."""
    try:
        return load_platform(config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def tier_or_exit(platform: PlatformConfig, tier: str, command: str) -> TierSpec:
    """The named tier, or one line listing the tiers there are and exit code 2."""
    if tier not in platform.tiers:
        print(
            f"tierform {command}: --tier {tier!r} is not a tier "
            f"(tiers: {', '.join(platform.tiers)})",
            file=sys.stderr,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    return platform.tiers[tier]


def append_github_file(variable: str, text: str, command: str) -> None:
    """Append `text` to the file named by $`variable` (set by GitHub Actions in a job)."""
    target = os.environ.get(variable)
    if not target:
        print(f"tierform {command}: ${variable} is not set (not a GitHub job?)", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT)
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(text)
