"""What a tier was when it was last deployed: its kind, protection and data stores.

Written after a successful apply (`tierform record-deployed --tier T`), read at load time:
a config that lowers a deployed tier's protection or drops a data store it deployed
protected is refused (exit 2) unless the tier's `retire:` names it with a reason. So
`cdktf deploy`, `make deploy` and a laptop apply are as safe as CI's plan guard.

Storage: one JSON file per tier, `<dir>/<tier>.json`, by default `.tierform/deployed/` in
the working root (`TIERFORM_DEPLOYED_DIR` overrides it). The release ledger (issue 11) is
meant to hold these records next to the tier's state, so that a fresh CI runner sees them:
that wiring replaces `default_dir`/`load`/`save`, not the checks.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tierform.config.errors import ConfigIssue
from tierform.config.protection import PROTECTION, data_stores, retired

DIR_VARIABLE = "TIERFORM_DEPLOYED_DIR"
_MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class DeployedProtection:
    tier: str
    protected: bool
    kind: str
    data_stores: list[str] = field(default_factory=list)
    recorded_at: str = ""

    @classmethod
    def of(cls, tier) -> DeployedProtection:
        """The record a successful deploy of `tier` (a TierSpec) leaves."""
        return cls(
            tier=tier.name,
            protected=tier.is_protected,
            kind=tier.kind,
            data_stores=sorted(data_stores(tier)),
            recorded_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )


def default_dir(root: Path) -> Path:
    """$TIERFORM_DEPLOYED_DIR, else `.tierform/deployed` in `root`, the platform's working
    root (PlatformConfig.work_root, tierform/config/repository.py): what `make deploy`,
    `record-deployed` and the loader all use, so a record written by one is the record the
    others read."""
    return Path(os.environ.get(DIR_VARIABLE) or root / ".tierform" / "deployed")


def record_path(directory: Path, tier: str) -> Path:
    return directory / f"{tier}.json"


def load(directory: Path, tier: str) -> DeployedProtection | None:
    """The tier's record, None when it was never recorded. A record that cannot be read is
    a ConfigError naming the file (never silently "no record": that would drop the guard)."""
    path = record_path(directory, tier)
    if not path.exists():
        return None
    shown = str(path)
    try:
        if not path.is_file() or path.stat().st_size > _MAX_BYTES:
            raise ValueError("not a regular file of at most 1 MB")
        data = json.loads(path.read_text())
        record = DeployedProtection(
            tier=data["tier"],
            protected=data["protected"],
            kind=data["kind"],
            data_stores=list(data.get("data_stores", [])),
            recorded_at=data.get("recorded_at", ""),
        )
        if record.tier != tier or not isinstance(record.protected, bool):
            raise ValueError(f"it describes tier {record.tier!r}, expected {tier!r}")
        if not all(isinstance(s, str) for s in record.data_stores):
            raise ValueError("data_stores must be a list of names")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        from tierform.config.errors import ConfigError

        raise ConfigError(
            [
                ConfigIssue(
                    shown,
                    "",
                    f"unreadable deployment record ({type(exc).__name__}: {str(exc)[:120]}); "
                    "restore it from the ledger or re-record it after a reviewed deploy "
                    "(tierform record-deployed --tier …)",
                )
            ]
        ) from None
    return record


def save(directory: Path, record: DeployedProtection) -> Path:
    """Write atomically (a reader never sees half a record)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = record_path(directory, record.tier)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(asdict(record), indent=2, sort_keys=True) + "\n")
    tmp.replace(path)
    return path


def check_against(
    tier, record: DeployedProtection, *, tier_file: str, platform_file: str, record_file: str
) -> list[ConfigIssue]:
    """Refusals for a config that weakens what `record` says was deployed protected."""
    if not record.protected:
        return []
    issues = []
    let_go = retired(tier)
    lowered = not tier.is_protected or (record.kind == "prod" and tier.kind != "prod")
    if lowered and PROTECTION not in let_go:
        issues.append(
            ConfigIssue(
                platform_file,
                "tiers",
                f"tier {tier.name!r} was deployed protected (kind {record.kind}, recorded in "
                f"{record_file}); this config makes it {'protected' if tier.is_protected else 'unprotected'} "
                f"of kind {tier.kind}. Lowering a deployed tier's protection is refused unless "
                f"{tier_file} says so: retire: [{{resource: protection, reason: …}}]",
            )
        )
    current = set(data_stores(tier))
    for store in record.data_stores:
        if store not in current and store not in let_go:
            issues.append(
                ConfigIssue(
                    tier_file,
                    "retire",
                    f"data store {store} was deployed protected (recorded in {record_file}) "
                    "and is missing from the config; removing it is refused unless the tier "
                    f"lists it: retire: [{{resource: {store}, reason: …}}]",
                )
            )
    return issues


def check_retire_names(
    tier, record: DeployedProtection | None, tier_file: str, section: str | None = None
) -> list[ConfigIssue]:
    """A `retire` entry must name something this tier has or had: a typo protects nothing.
    `section`: check only the entries of that section (an environment construct's props hold
    one section; their shared retire list may name the others' stores)."""
    known = set(data_stores(tier)) | set(record.data_stores if record else []) | {PROTECTION}
    return [
        ConfigIssue(
            tier_file,
            f"retire.{index}.resource",
            f"{entry.resource!r} is not a data store of tier {tier.name!r}, configured or "
            f"recorded as deployed ({_some(sorted(known - {PROTECTION}))}) nor `protection`",
        )
        for index, entry in enumerate(tier.retire)
        if entry.resource not in known
        and (section is None or entry.resource.startswith(f"{section}."))
    ]


def _some(names: list[str], limit: int = 6) -> str:
    shown = ", ".join(names[:limit]) or "none"
    return shown + (f", … ({len(names) - limit} more)" if len(names) > limit else "")
