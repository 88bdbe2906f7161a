"""Where a release runs: the repository, the tier's validated settings, the release folders.

The release CLI's root is the platform's (the config folder's repository root, as for the
synth and the ledger readers), whatever the working directory; `--root` or TIERFORM_ROOT
say otherwise. Release records live in the tier's
ledger (tierform/ledger: S3, GCS or a folder); `.tierform/releases/<tier>/` is only this
machine's scratch space (dbt's target folder, DAG releases materialized for publishing).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from tierform.config import ConfigError, ConfigIssue, PlatformConfig, TierSpec, load_platform
from tierform.config.errors import CONFIG_VARIABLE
from tierform.config.repository import configured_root

RELEASES_DIR = Path(".tierform") / "releases"


class ReleaseError(Exception):
    """A release that cannot go ahead (bad input, failed build, refused publish)."""


@dataclass(frozen=True)
class ReleaseContext:
    root: Path  # absolute repository root (holds .tierform/)
    platform: PlatformConfig
    tier: TierSpec

    @property
    def release_dir(self) -> Path:
        """This machine's scratch space for the tier (never the record of anything)."""
        return self.root / RELEASES_DIR / self.tier.name

    @cached_property
    def ledger(self):
        from tierform.ledger import tier_ledger

        return tier_ledger(self.platform, self.tier, self.root)

    def show(self, path: Path) -> str:
        """`path` as messages show it: relative to the root when inside it."""
        return str(path.relative_to(self.root)) if path.is_relative_to(self.root) else str(path)

    def path(self, repo_relative: str) -> Path:
        """A path from config (relative to the config folder's parent)."""
        return self.platform.repo_root / repo_relative


def load_root_platform(
    root: Path | None = None, config: Path | None = None
) -> tuple[Path, PlatformConfig]:
    """(repository root, validated configuration); raises ConfigError for bad input.

    A root given (`--root`, TIERFORM_ROOT) is where `.tierform/` lives and the config folder
    is relative to it. Without one, the config folder is relative to the working directory
    (as for every other command) and the root is the platform's own (`work_root`): the one
    the synth, `record-deployed` and the ledger readers use, from any working directory."""
    explicit = root.absolute() if root else configured_root()
    config_dir = Path(config or os.environ.get(CONFIG_VARIABLE) or "config")
    if explicit is None:
        platform = load_platform(config_dir)
        return platform.work_root, platform
    return explicit, load_platform(explicit / config_dir)  # an absolute config_dir wins


def load_context(tier: str, root: Path | None = None, config: Path | None = None) -> ReleaseContext:
    """Load and validate the configuration; raises ConfigError for bad input."""
    root, platform = load_root_platform(root, config)
    if tier not in platform.tiers:
        raise ConfigError(
            [
                ConfigIssue(
                    "--tier", "", f"{tier!r} is not a tier (tiers: {', '.join(platform.tiers)})"
                )
            ]
        )
    return ReleaseContext(root=root, platform=platform, tier=platform.tiers[tier])
