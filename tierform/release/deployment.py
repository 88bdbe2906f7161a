"""`tierform.release record-deployment`: note one apply of a tier in its ledger (commit,
time, outcome, plan digest, who, CI run), so promotion checks and drift know what each tier
runs. The deploy workflow (and `make deploy`) call it after every apply, failed ones too."""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict
from pathlib import Path

from tierform.config import deployed
from tierform.ledger import deployments
from tierform.ledger.errors import CorruptRecord
from tierform.ledger.lease import where, who
from tierform.release.context import ReleaseContext, ReleaseError
from tierform.release.records import git_sha, now


def run_url() -> str | None:
    """The GitHub Actions run, from the variables every job has."""
    repo, run = os.environ.get("GITHUB_REPOSITORY"), os.environ.get("GITHUB_RUN_ID")
    if not (repo and run):
        return None
    return f"{os.environ.get('GITHUB_SERVER_URL', 'https://github.com')}/{repo}/actions/runs/{run}"


def plan_digest(plan_file: Path | None) -> str | None:
    if plan_file is None:
        return None
    try:
        return hashlib.sha256(plan_file.read_bytes()).hexdigest()
    except OSError as exc:
        raise ReleaseError(f"--plan-file {plan_file}: {exc.strerror}") from None


def record_deployment(
    ctx: ReleaseContext,
    outcome: str,
    *,
    commit: str | None = None,
    plan_file: Path | None = None,
    url: str | None = None,
) -> dict:
    commit = commit or os.environ.get("GITHUB_SHA") or git_sha(ctx.root)
    if not commit:
        raise ReleaseError(
            "no commit to record: pass --commit (not a git checkout, no $GITHUB_SHA)"
        )
    entry = {
        "tier": ctx.tier.name,
        "commit": commit,
        "outcome": outcome,
        "finished_at": now(),
        "plan_digest": plan_digest(plan_file),
        "who": who(),
        "where": where(),
        "run_url": url or run_url(),
    }
    if outcome == "success":
        # What the tier now is (kind, protection, data stores): the next load of a config
        # that weakens it is refused (tierform/config/deployed.py). Kept on this machine at
        # once and in the ledger with the deployment, so a fresh runner sees it too
        # (`tierform protection-check`).
        record = deployed.DeployedProtection.of(ctx.tier)
        deployed.save(deployed.default_dir(ctx.root), record)
        entry["protection"] = asdict(record)
    entry["key"] = deployments.record(ctx.ledger, entry)
    return entry


def fetch_protection(ctx: ReleaseContext) -> deployed.DeployedProtection | None:
    """The protection the tier's last successful deployment recorded in its ledger, copied to
    this machine's record (where config loading enforces it); None when none is recorded."""
    entry = deployments.last_success(ctx.ledger)
    data = (entry or {}).get("protection")
    if data is None:
        return None
    if not isinstance(data, dict) or data.get("tier") != ctx.tier.name:
        raise CorruptRecord(
            ctx.ledger.url("deployments/last-success.json"),
            f"holds no protection record of tier {ctx.tier.name!r}",
            ctx.tier.name,
        )
    record = deployed.DeployedProtection(
        tier=data["tier"],
        protected=bool(data.get("protected")),
        kind=str(data.get("kind", "")),
        data_stores=[str(s) for s in data.get("data_stores", [])],
        recorded_at=str(data.get("recorded_at", "")),
    )
    deployed.save(deployed.default_dir(ctx.root), record)
    return record
