"""What each tier's stack releases after its infrastructure: the dbt project and the DAGs.

Platform level (config/platform.yaml `release:`) says where the project lives in the
repository; tier level (`release:` in a tier file) switches steps on or off and names the
dbt target. A tier gets a step only when both say so (and, for DAGs, when it has Airflow).
Paths are relative to the project folder, the config folder's parent (tierform/config/repository.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from tierform.config.base import Spec
from tierform.config.dag_checks import DagChecksSpec
from tierform.config.dbt_cloud import DbtCloudPlatformSpec, Runner, TierDbtCloudSpec
from tierform.config.dbt_cloud_step import DbtCloudStep
from tierform.config.errors import ConfigError
from tierform.config.profile_secrets import profiles_literal_secrets
from tierform.config.release_store import StoreSpec
from tierform.config.repo_paths import syntax_checked
from tierform.config.yaml_io import read_yaml_mapping


def _repo_relative(value: str) -> str:
    return syntax_checked(value)  # the whole rule (symlinks, config/) is applied at load


class DbtProjectSpec(Spec):
    """The dbt project every tier builds."""

    project_dir: str = Field(min_length=1)
    # Where profiles.yml is; defaults to the project folder.
    profiles_dir: str | None = None
    # The dbt Cloud account and project of tiers with `release.dbt.runner: dbt_cloud`.
    cloud: DbtCloudPlatformSpec | None = None

    @field_validator("project_dir", "profiles_dir")
    @classmethod
    def _relative(cls, value: str | None) -> str | None:
        return None if value is None else _repo_relative(value)

    @property
    def profiles_folder(self) -> str:
        return self.profiles_dir or self.project_dir


class DagsProjectSpec(Spec):
    """The folder of Airflow DAG files every tier publishes, and the Python requirements
    the DAGs need on the workers (a pip requirements file; shipped in every DAG release,
    and installed by MWAA from a Terraform-managed object)."""

    folder: str = Field(min_length=1)
    requirements: str | None = None

    @field_validator("folder", "requirements")
    @classmethod
    def _relative(cls, value: str | None) -> str | None:
        return None if value is None else _repo_relative(value)


class ReleaseSpec(Spec):
    dbt: DbtProjectSpec | None = None
    dags: DagsProjectSpec | None = None
    # Where every tier's release ledger lives unless the tier says otherwise (release_store.py).
    store: StoreSpec | None = None


# The Snowflake service user dbt builds as when release.dbt.service_user is unset (dbt-core
# signs in as it; a dbt_cloud tier's credential is for it).
DEFAULT_DBT_USER = "DBT"


class TierDbtRelease(Spec):
    enabled: bool = True
    # The profiles.yml target this tier builds with; defaults to the tier's name.
    target: str | None = Field(default=None, min_length=1)
    # Build only state:modified+ (deferring to the tier's last successful manifest).
    slim: bool = False
    # The Snowflake service user (logical name, under snowflake.service_users) dbt runs as;
    # default: the one named DBT. Its key comes from SNOWFLAKE_<USER>_PRIVATE_KEY.
    service_user: str | None = Field(default=None, pattern=r"^[A-Z][A-Z0-9_]*$")
    # blue_green: build and test in a shadow of the warehouse, publish it only when everything
    # passed (tierform/release/dbt_publish/); in_place: dbt builds over the live data.
    # A dbt_cloud tier publishes in place (dbt Cloud builds into the environment's schema;
    # Tierform's shadow swap is dbt_core's), so there `blue_green` may not be written; nor on
    # an adapter without a shadow build (BLUE_GREEN_ADAPTERS), where the default builds in
    # place and says so.
    publish: Literal["blue_green", "in_place"] = "blue_green"
    # Who builds: dbt_core (the release step runs dbt) or dbt_cloud (the step triggers the
    # tier's dbt Cloud deploy job; tierform/config/dbt_cloud.py).
    runner: Runner = "dbt_core"
    cloud: TierDbtCloudSpec | None = None


class TierDagsRelease(Spec):
    enabled: bool = True
    # What the DAG checks enforce on this tier (tierform/config/dag_checks.py); they apply
    # to the pull request's data CI even where the tier publishes no DAGs.
    checks: DagChecksSpec = Field(default_factory=DagChecksSpec)


class TierReleaseSpec(Spec):
    dbt: TierDbtRelease = Field(default_factory=TierDbtRelease)
    dags: TierDagsRelease = Field(default_factory=TierDagsRelease)
    # This tier's release ledger (default: the platform's, else next to its Terraform state).
    store: StoreSpec | None = None


# Adapters with a shadow build (tierform/release/dbt_publish/: one module per warehouse kind).
BLUE_GREEN_ADAPTERS = ("duckdb", "snowflake")


@dataclass(frozen=True)
class DbtStep:
    """A tier's dbt release, resolved: project, profiles folder, target and its adapter."""

    project_dir: str
    profiles_dir: str
    target: str
    adapter: str
    slim: bool
    publish: str = "blue_green"
    # Who runs the build: dbt_core (the release step runs dbt itself) or dbt_cloud (the
    # step triggers the tier's dbt Cloud deploy job; `cloud` then holds its settings).
    runner: str = "dbt_core"
    cloud: DbtCloudStep | None = None


@dataclass(frozen=True)
class DagsStep:
    folder: str
    requirements: str | None = None


# --- reading the dbt project's own files (names and targets) -------------------------------


def dbt_profile_targets(repo_root: Path, spec: DbtProjectSpec) -> tuple[str, dict[str, str]]:
    """(profile name, {target: adapter type}) as declared by the project's files.

    `type:` is literal YAML in profiles.yml (only values are Jinja), so plain YAML reading
    is enough; raises ValueError with a readable message when something is missing.
    """
    project_file = repo_root / spec.project_dir / "dbt_project.yml"
    project = _read_yaml(project_file)
    profile = project.get("profile")
    if not isinstance(profile, str):
        raise ValueError(f"{spec.project_dir}/dbt_project.yml names no `profile:`")
    profiles_file = repo_root / spec.profiles_folder / "profiles.yml"
    profiles = _read_yaml(profiles_file)
    entry = profiles.get(profile) if isinstance(profiles, dict) else None
    outputs = entry.get("outputs") if isinstance(entry, dict) else None
    if not isinstance(outputs, dict):
        raise ValueError(f"{spec.profiles_folder}/profiles.yml has no profile {profile!r}")
    return profile, {
        str(name): str(out.get("type", "?"))
        for name, out in outputs.items()
        if isinstance(out, dict)
    }


_ENV_VAR = re.compile(r"""env_var\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*\)""")


def profile_env_vars(profiles_file: Path, profile: str, target: str) -> list[str]:
    """`env_var('X')` without a default in the target's output of profiles.yml."""
    data = _read_yaml(profiles_file)
    output = ((data.get(profile) or {}).get("outputs") or {}).get(target)
    if not isinstance(output, dict):
        raise ValueError(f"{profiles_file}: profile {profile!r} has no target {target!r}")
    names: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            names.extend(n for n in _ENV_VAR.findall(value) if n not in names)

    walk(output)
    return names


def profile_literal_secrets(repo_root: Path, spec: DbtProjectSpec) -> Iterator[Problem]:
    """Every literal secret in profiles.yml, in every target of every profile (field paths
    `<profile>.outputs.<target>.<key>`): the file is committed whichever targets the tiers
    build with (tierform/config/profile_secrets.py)."""
    yield from profiles_literal_secrets(
        _read_yaml(repo_root / spec.profiles_folder / "profiles.yml")
    )


class DbtFileError(ValueError):
    """A dbt project file that cannot be read as YAML (duplicate key, bad syntax, too big):
    reported against that file, not the platform.yaml field that points to its folder."""

    def __init__(self, path: Path, message: str):
        self.path, self.message = path, message
        super().__init__(f"{path.name}: {message}")


def _read_yaml(path: Path) -> Any:
    # The same limits as config files (regular file, size cap, bounded aliases, UTF-8);
    # scalars typed as dbt (PyYAML) types them.
    try:
        return read_yaml_mapping(path, path.name, yaml_1_1=True)
    except ConfigError as exc:
        issue = exc.issues[0]
        if issue.message.startswith("expected a mapping"):
            return {}
        raise DbtFileError(path, issue.message) from None


# (field path, message), as in references.py
Problem = tuple[list[str | int], str]


def check_release_paths(release: ReleaseSpec | None, repo_root: Path) -> Iterator[Problem]:
    """The folders named in `release:` exist and hold what they should."""
    if release is None:
        return
    if release.dbt is not None:
        project = repo_root / release.dbt.project_dir
        if not project.is_dir():
            yield ["release", "dbt", "project_dir"], _missing_folder(release.dbt.project_dir)
        elif not (project / "dbt_project.yml").is_file():
            yield (
                ["release", "dbt", "project_dir"],
                f"{release.dbt.project_dir!r} holds no dbt_project.yml",
            )
        elif release.dbt.profiles_dir and not (repo_root / release.dbt.profiles_dir).is_dir():
            yield ["release", "dbt", "profiles_dir"], _missing_folder(release.dbt.profiles_dir)
        else:
            try:
                dbt_profile_targets(repo_root, release.dbt)
            except DbtFileError:
                raise  # the loader names the file itself
            except ValueError as exc:
                yield ["release", "dbt", "project_dir"], str(exc)
    if release.dags is not None:
        folder = repo_root / release.dags.folder
        if not folder.is_dir():
            yield ["release", "dags", "folder"], _missing_folder(release.dags.folder)
        elif not any(p.is_file() for p in folder.rglob("*.py")):
            # Publishing it would delete every DAG the tier runs (the sync removes the rest).
            yield (
                ["release", "dags", "folder"],
                f"folder {release.dags.folder!r} holds no DAG file (*.py); add the DAGs or "
                "remove release.dags",
            )
    requirements = release.dags.requirements if release.dags is not None else None
    if requirements is not None and not (repo_root / requirements).is_file():
        yield (
            ["release", "dags", "requirements"],
            f"file {requirements!r} does not exist (a pip requirements file, relative to "
            "the project folder, the config folder's parent)",
        )


def _missing_folder(path: str) -> str:
    return (
        f"folder {path!r} does not exist (paths are relative to the project folder, the "
        "config folder's parent)"
    )
