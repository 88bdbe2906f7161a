"""What goes into a release step's `triggers_replace`, computed at synth time.

Only hashes and plain names: the tier, the content hash of what the step ships, the tool
versions that build it. Never a secret (triggers land in the state) and never a machine path
(the plan must be identical on a laptop and in CI). A change to any value replaces the step,
which re-runs its command; nothing else does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

from tierform.config.airflow import DagTarget
from tierform.config.databricks_naming import NOTEBOOK_EXTENSIONS, git_folder_ref, git_ref
from tierform.config.dbt_adapters import adapter_distribution
from tierform.config.job_sources import job_paths, runs_file
from tierform.config.platform import PlatformConfig
from tierform.config.release import DagsStep, DbtStep
from tierform.config.tier import TierSpec
from tierform.release.artifact import (
    AirflowInstallFiles,
    airflow_install_files,
    artifact_files,
    artifact_sha256,
)
from tierform.release.content import content_sha256, files_sha256, shipped_files
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
        "tool_versions": tool_versions("dbt-core", adapter_distribution(step.adapter)),
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
    """When the Git folders step must run again: when the code the tier's jobs run changes,
    or the folder is new or on another ref (the stack adds the folder's id), and only then,
    so a plan that changes nothing the jobs run stays a no-op (PR plans, drift).

    - Jobs that run the commit CD deploys (`follow: deployed`, prod without a pinned ref):
      the stack adds that commit itself (`${var.databricks_git_commit}`, see TierStack); a
      plan of the deployed commit is a no-op. (The variable exists when the tier has jobs.)
    - A folder on a tag: the tag (a new tag is a config change; the tag does not move).
    - Otherwise (the folder follows a branch): the content hash of the files the tier's jobs
      run (`jobs_code_sha256`), and a commit pinned in config (`git.commit`), which the jobs
      run instead of the checkout. Not the checkout's commit: that changes with every merge,
      also of a README.
    """
    dbx = tier.databricks
    if dbx is None or dbx.git_folders is None or dbx.git is None:
        return None
    kind, ref = git_folder_ref(tier)
    found = {"tier": tier.name, "ref": f"{kind}:{ref}"}
    jobs_ref = git_ref(tier)
    if (jobs_ref[0] == "variable" and dbx.jobs) or kind == "tag":
        return found
    found["jobs_code_sha256"] = files_sha256(jobs_code_files(platform, tier))
    if jobs_ref[0] == "commit" and jobs_ref[1] is not None:
        found["jobs_commit"] = jobs_ref[1]
    return found


def jobs_code_files(platform: PlatformConfig, tier: TierSpec) -> list[tuple[str, Path | None]]:
    """(git-root-relative path, file) of every file the tier's jobs run from the repository
    (tierform/config/job_sources.py: the files the databricks-runs check matches a PR
    against), sorted, each once. A path with no file hashes as absent (None): config
    validation already refuses a missing notebook, file or dbt project (one line, exit 2),
    so this is reached only by a config loaded without its checkout, where the trigger
    then changes once the file is there instead of failing a second, different way."""
    dbx = tier.databricks
    assert dbx is not None and dbx.git is not None
    subfolder = dbx.git.subfolder
    root = platform.repo_root
    for _ in PurePosixPath(subfolder).parts if subfolder else ():
        root = root.parent  # the git root: the jobs' paths are relative to it
    files: dict[str, Path | None] = {}
    for job in dbx.jobs.values():
        for path, folder in job_paths(job, subfolder).values():
            found = dict(_files_on_disk(root, path, folder))
            files.update(found or {path: None})
    return sorted(files.items())


def _files_on_disk(git_root: Path, path: str, folder: bool) -> Iterator[tuple[str, Path]]:
    """The checkout's files that `path` runs: under a folder, what content.py ships (no
    build output); else the path itself or a notebook of that name with its extension."""
    if folder:
        for relative, file in shipped_files(git_root / path):
            yield f"{path.rstrip('/')}/{relative}", file
        return
    for relative in (path, *(path + ext for ext in NOTEBOOK_EXTENSIONS)):
        file = git_root / relative
        if runs_file(relative, path, folder) and file.is_file():
            yield relative, file


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class StepTriggers:
    """The triggers of a tier's release steps; None where the tier has no such step."""

    dbt: dict[str, str] | None = None
    # The dbt target's adapter (snowflake, databricks, duckdb): the dbt step waits for the
    # environment it builds in. None (unknown): it waits for every one the tier has.
    dbt_adapter: str | None = None
    dags: dict[str, str] | None = None
    # What the tier's Airflow environment installs from (MWAA's Terraform-managed objects).
    airflow_files: AirflowInstallFiles | None = None
    git_folders: dict[str, str] | None = None


def tier_triggers(platform: PlatformConfig, tier: TierSpec) -> StepTriggers:
    dbt = platform.dbt_step(tier)
    dags = platform.dags_step(tier)
    return StepTriggers(
        dbt=dbt_triggers(platform, tier, dbt) if dbt else None,
        dbt_adapter=dbt.adapter if dbt else None,
        dags=(
            dags_triggers(platform, tier, dags, tier.airflow.dag_target(tier.name))
            if dags and tier.airflow
            else None
        ),
        airflow_files=airflow_install_files(platform, tier) if tier.airflow else None,
        git_folders=git_folders_triggers(platform, tier),
    )
