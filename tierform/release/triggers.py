"""What goes into a release step's `triggers_replace`, computed at synth time.

Only hashes and plain names: the tier, the content hash of what the step ships, the tool
versions that build it. Never a secret (triggers land in the state) and never a machine path
(the plan must be identical on a laptop and in CI). A change to any value replaces the step,
which re-runs its command; nothing else does.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from tierform.config.airflow import DagTarget
from tierform.config.databricks_naming import git_folder_ref, git_ref
from tierform.config.platform import PlatformConfig
from tierform.config.release import DagsStep, DbtStep
from tierform.config.tier import TierSpec
from tierform.release.artifact import (
    AirflowInstallFiles,
    airflow_install_files,
    artifact_files,
    artifact_sha256,
)
from tierform.release.content import content_sha256
from tierform.release.publishers.astro_triggers import astronomer_triggers
from tierform.release.records import git_sha


def tool_versions(*distributions: str) -> str:
    """`dbt-core 1.11, dbt-duckdb 1.11`: major.minor only, so a patch release on one
    machine does not make its plan differ from CI's, while an upgrade still rebuilds."""
    parts = []
    for name in distributions:
        try:
            version = ".".join(metadata.version(name).split(".")[:2])
        except metadata.PackageNotFoundError:
            version = "absent"
        parts.append(f"{name} {version}")
    return ", ".join(parts)


def dbt_triggers(platform: PlatformConfig, tier: TierSpec, step: DbtStep) -> dict[str, str]:
    root = platform.repo_root
    content = content_sha256(root / step.project_dir)
    if step.profiles_dir != step.project_dir:
        profiles = (root / step.profiles_dir / "profiles.yml").read_bytes()
        content = _sha256(f"{content}:{_sha256(profiles)}".encode())
    return {
        "content_sha256": content,
        "tier": tier.name,
        "target": step.target,
        "tool_versions": tool_versions("dbt-core", f"dbt-{step.adapter}"),
    }


def dags_triggers(
    platform: PlatformConfig, tier: TierSpec, step: DagsStep, target: DagTarget
) -> dict[str, str]:
    # The whole artifact (DAGs, the dbt project they run, requirements): the same hash the
    # release records, so a change to any part publishes a new DAG release.
    files = artifact_files(platform, tier, strict=False)
    return {
        "content_sha256": artifact_sha256(files),
        "tier": tier.name,
        # Publishing somewhere else is a new release too.
        "target_sha256": _sha256(f"{target.kind}:{target.location}".encode()),
        "tool_versions": tool_versions("apache-airflow"),
        **astronomer_triggers(platform, tier),
    }


def git_folders_triggers(platform: PlatformConfig, tier: TierSpec) -> dict[str, str] | None:
    """When the Git folders step must run again: on every deploy of a new commit, and only
    then (a plan of the same commit stays a no-op).

    - Jobs that run the commit CD deploys (`follow: deployed`, prod without a pinned ref):
      the stack adds that commit itself (`${var.databricks_git_commit}`, see TierStack),
      so PR plans and drift, which plan the last deployed commit, stay no-ops. (The
      variable exists when the tier has jobs; without jobs, as a branch below.)
    - A folder on a tag: the tag (a new tag is a config change; the tag does not move).
    - A folder on a branch otherwise: the commit being released (git HEAD of the checkout
      that synthesizes; `none` outside a git checkout, where only a ref change refreshes).
    """
    dbx = tier.databricks
    if dbx is None or dbx.git_folders is None or dbx.git is None:
        return None
    kind, ref = git_folder_ref(tier)
    found = {"tier": tier.name, "ref": f"{kind}:{ref}"}
    if (git_ref(tier)[0] == "variable" and dbx.jobs) or kind == "tag":
        return found
    return {**found, "release_commit": _release_commit(platform.repo_root)}


@functools.lru_cache(maxsize=8)
def _release_commit(root: Path) -> str:
    return git_sha(root) or "none"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class StepTriggers:
    """The triggers of a tier's release steps; None where the tier has no such step."""

    dbt: dict[str, str] | None = None
    dags: dict[str, str] | None = None
    # What the tier's Airflow environment installs from (MWAA's Terraform-managed objects).
    airflow_files: AirflowInstallFiles | None = None
    git_folders: dict[str, str] | None = None


def tier_triggers(platform: PlatformConfig, tier: TierSpec) -> StepTriggers:
    dbt = platform.dbt_step(tier)
    dags = platform.dags_step(tier)
    return StepTriggers(
        dbt=dbt_triggers(platform, tier, dbt) if dbt else None,
        dags=(
            dags_triggers(platform, tier, dags, tier.airflow.dag_target(tier.name))
            if dags and tier.airflow
            else None
        ),
        airflow_files=airflow_install_files(platform, tier) if tier.airflow else None,
        git_folders=git_folders_triggers(platform, tier),
    )
