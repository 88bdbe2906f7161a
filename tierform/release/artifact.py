"""The release artifact of a DAG release: everything the DAGs need where they run.

One folder, published as a whole to the tier's DAGs location and described by RELEASE.json:

    <the DAG files, as in release.dags.folder>
    .airflowignore                 # + `tierform_release/`: Airflow never parses the files below
    tierform_release/dbt/          # the dbt project the DAGs run (release.dbt.project_dir)
    tierform_release/profiles/     # profiles.yml with only the tier's profile and target
    tierform_release/requirements.txt   # release.dags.requirements, when set

The files are computed from the repository alone (no machine path, no time), so the same
commit gives the same artifact, and its hash is both the DAG step's `content_sha256`
trigger (synth time) and the release's `content_sha256` (release time). The profiles keep
their `{{ env_var(...) }}` expressions; a literal secret in the tier's target refuses the
release (nothing secret is ever published or recorded): config validation refuses it first,
in every target (tierform/config/profile_secrets.py, the one rule), and the release checks
the target it ships again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

from tierform.config.dag_target import AirflowInstallFiles
from tierform.config.error_format import join_path
from tierform.config.platform import PlatformConfig
from tierform.config.profile_secrets import literal_secrets
from tierform.config.release import dbt_profile_targets
from tierform.config.tier import TierSpec
from tierform.release.content import shipped_files
from tierform.release.context import ReleaseError

__all__ = ["AirflowInstallFiles", "ArtifactError", "airflow_install_files", "artifact_files"]

ARTIFACT_DIR = "tierform_release"
DBT_DIR = f"{ARTIFACT_DIR}/dbt"
PROFILES_DIR = f"{ARTIFACT_DIR}/profiles"
REQUIREMENTS = f"{ARTIFACT_DIR}/requirements.txt"
AIRFLOWIGNORE = ".airflowignore"
MANIFEST = "RELEASE.json"


class ArtifactError(ReleaseError):
    """The repository's files cannot make a release artifact (bad input: exit 2)."""

    exit_code = 2


@dataclass(frozen=True)
class DbtForDags:
    """The dbt project the tier's DAGs run: platform project, the tier's target."""

    project_dir: str
    profiles_dir: str
    target: str


def dbt_for_dags(platform: PlatformConfig, tier: TierSpec) -> DbtForDags | None:
    """The DAGs run dbt even on a tier whose dbt step is switched off (someone else builds
    there), so only the platform's `release.dbt` decides whether a project ships."""
    project = platform.platform.release.dbt
    if project is None:
        return None
    return DbtForDags(
        project_dir=project.project_dir,
        profiles_dir=project.profiles_folder,
        target=tier.release.dbt.target or tier.name,
    )


def artifact_files(
    platform: PlatformConfig, tier: TierSpec, *, strict: bool = True
) -> dict[str, bytes]:
    """relative path → bytes of every file of the tier's DAG artifact except RELEASE.json.

    strict=False (synth time) hashes an unusable profiles.yml as it is instead of refusing:
    the release step then reports the problem with its own exit code."""
    step = platform.dags_step(tier)
    if step is None:
        return {}
    root = platform.repo_root
    files: dict[str, bytes] = {}
    for relative, path in shipped_files(root / step.folder):
        if relative == MANIFEST:
            continue  # written by the release
        if strict and (relative == ARTIFACT_DIR or relative.startswith(f"{ARTIFACT_DIR}/")):
            raise ArtifactError(
                f"{step.folder}/{ARTIFACT_DIR}: the name is reserved for the files Tierform "
                "ships with the DAGs; rename that folder"
            )
        files[relative] = path.read_bytes()
    ignore = files.get(AIRFLOWIGNORE, b"")
    if ignore and not ignore.endswith(b"\n"):
        ignore += b"\n"
    files[AIRFLOWIGNORE] = ignore + f"{ARTIFACT_DIR}/\n".encode()
    dbt = dbt_for_dags(platform, tier)
    if dbt is not None:
        # Only the tier's own profile ships (below), never the full profiles.yml, even when
        # the profiles folder lies inside the project.
        own = PurePosixPath(dbt.profiles_dir, "profiles.yml")
        for relative, path in shipped_files(root / dbt.project_dir):
            if relative == "profiles.yml" or PurePosixPath(dbt.project_dir, relative) == own:
                continue
            files[f"{DBT_DIR}/{relative}"] = path.read_bytes()
        files[f"{PROFILES_DIR}/profiles.yml"] = tier_profiles(platform, dbt, strict=strict)
    if step.requirements is not None:
        files[REQUIREMENTS] = (root / step.requirements).read_bytes()
    return dict(sorted(files.items()))


def artifact_sha256(files: dict[str, bytes]) -> str:
    """The same digest content.content_sha256 gives for a folder holding these files."""
    digest = hashlib.sha256()
    for relative in sorted(files):
        for field in (relative.encode("utf-8"), files[relative]):
            digest.update(len(field).to_bytes(8, "big"))
            digest.update(field)
    return digest.hexdigest()


def tier_profiles(platform: PlatformConfig, dbt: DbtForDags, *, strict: bool = True) -> bytes:
    """profiles.yml reduced to the project's profile with the tier's target only."""
    root = platform.repo_root
    source = root / dbt.profiles_dir / "profiles.yml"
    where = f"{dbt.profiles_dir}/profiles.yml"
    try:
        spec = platform.platform.release.dbt
        assert spec is not None
        profile, targets = dbt_profile_targets(root, spec)
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        if dbt.target not in targets:
            raise ArtifactError(
                f"{where}: profile {profile!r} has no target {dbt.target!r} "
                f"(targets: {', '.join(targets)})"
            )
        output = data[profile]["outputs"][dbt.target]
        # Validation refuses these already (every target); checked again on what ships.
        secrets = list(literal_secrets(output, [profile, "outputs", dbt.target]))
        if secrets:
            raise ArtifactError(
                "\n".join(f"{where}: {join_path(path)}: {message}" for path, message in secrets)
            )
    except (ArtifactError, ValueError, KeyError, TypeError, OSError, yaml.YAMLError) as exc:
        if not strict:
            return source.read_bytes() if source.is_file() else b""
        if isinstance(exc, ArtifactError):
            raise
        raise ArtifactError(f"{where}: cannot read the tier's profile ({exc})") from None
    reduced = {profile: {"target": dbt.target, "outputs": {dbt.target: output}}}
    if isinstance(data.get("config"), dict):
        reduced["config"] = data["config"]
    header = (
        f"# Generated by Tierform from {where}: profile {profile!r}, target {dbt.target!r} "
        "only. Credentials come from the environment.\n"
    )
    return (header + yaml.safe_dump(reduced, sort_keys=True, width=10_000)).encode("utf-8")


def artifact_description(platform: PlatformConfig, tier: TierSpec) -> dict:
    """RELEASE.json's `artifact`: where the DAGs find the dbt project, its profiles and the
    requirements, relative to the folder holding RELEASE.json (and where they came from,
    relative to the repository root)."""
    step = platform.dags_step(tier)
    assert step is not None
    dbt = dbt_for_dags(platform, tier)
    root = platform.repo_root
    adapter = platform.dbt_targets.get(dbt.target) if dbt else None
    target = tier.airflow.dag_target(tier.name) if tier.airflow else None
    # Where the workers' secrets backend keeps the warehouse credentials (MWAA: Secrets
    # Manager); the DAGs turn that Airflow connection into dbt's SNOWFLAKE_* variables.
    connection = target.connection_id if target and adapter == "snowflake" else None
    return {
        "dags_source": step.folder,
        "dbt": None
        if dbt is None
        else {
            "project_dir": DBT_DIR,
            "profiles_dir": PROFILES_DIR,
            "target": dbt.target,
            "adapter": adapter,
            "connection_id": connection,
            "source_project_dir": dbt.project_dir,
            "source_profiles_dir": dbt.profiles_dir,
        },
        "requirements": None
        if step.requirements is None
        else {
            "path": REQUIREMENTS,
            "source": step.requirements,
            "sha256": hashlib.sha256((root / step.requirements).read_bytes()).hexdigest(),
        },
    }


def source_paths(platform: PlatformConfig, tier: TierSpec) -> list[str]:
    """Repository-relative paths the artifact is made of (for the dirty-tree marker)."""
    step = platform.dags_step(tier)
    if step is None:
        return []
    paths = [step.folder]
    dbt = dbt_for_dags(platform, tier)
    if dbt is not None:
        paths += [dbt.project_dir, f"{dbt.profiles_dir}/profiles.yml"]
    if step.requirements:
        paths.append(step.requirements)
    return sorted(set(paths))


def write_files(files: dict[str, bytes], folder: Path) -> None:
    for relative, data in files.items():
        dest = folder / relative
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    folder.mkdir(parents=True, exist_ok=True)


def airflow_install_files(platform: PlatformConfig, tier: TierSpec) -> AirflowInstallFiles:
    root = platform.repo_root
    dags = platform.platform.release.dags
    requirements = dags.requirements if dags is not None else None
    plugins = getattr(tier.airflow, "plugins", None)
    return AirflowInstallFiles(
        requirements=(root / requirements).read_bytes() if requirements else None,
        plugins=(root / plugins.path).read_bytes() if plugins is not None else None,
    )
