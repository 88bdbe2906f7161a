"""What goes into a release step's `triggers_replace`, computed at synth time.

Only hashes and plain names: the tier, the content hash of what the step ships, the tool
versions that build it. Never a secret (triggers land in the state) and never a machine path
(the plan must be identical on a laptop and in CI). A change to any value replaces the step,
which re-runs its command; nothing else does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import metadata

from tierform.config.airflow import DagTarget
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
    cloud = platform.dbt_cloud_environment(tier) if step.runner == "dbt_cloud" else None
    if cloud is not None:
        # dbt Cloud builds: its dbt version is the tier's, not this machine's; a change to
        # the environment, credential or jobs re-runs the release (which also sets the
        # credential's secret again through the API).
        return {
            "content_sha256": content,
            "tier": tier.name,
            "target": step.target,
            "tool_versions": f"dbt Cloud {cloud.dbt_version}",
            "dbt_cloud_sha256": _sha256(cloud.model_dump_json().encode()),
        }
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


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class StepTriggers:
    """The triggers of a tier's release steps; None where the tier has no such step."""

    dbt: dict[str, str] | None = None
    dags: dict[str, str] | None = None
    # What the tier's Airflow environment installs from (MWAA's Terraform-managed objects).
    airflow_files: AirflowInstallFiles | None = None


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
    )
