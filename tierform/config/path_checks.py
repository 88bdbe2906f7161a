"""Every path of a tier and of the platform file, judged by the one rule in repo_paths.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tierform.config.airflow import AstronomerAirflowSpec, LocalAirflowSpec
from tierform.config.backend import LocalBackendSpec
from tierform.config.repo_paths import confinement_problem
from tierform.config.tier import TierSpec

# (field path, message), as in references.py
Problem = tuple[list[str | int], str]


def tier_path_problems(tier: TierSpec, root: Path, config_dir: Path) -> Iterator[Problem]:
    generated: list[tuple[list[str | int], str]] = []
    if isinstance(tier.airflow, LocalAirflowSpec):
        folder = tier.airflow.dag_target(tier.name).location
        generated.append((["airflow", "dags_folder"], folder))
    if isinstance(tier.backend, LocalBackendSpec):
        generated.append((["backend", "directory"], tier.backend.directory))
    for path, value in generated:
        problem = confinement_problem(value, root, config_dir, generated=True)
        if problem:
            yield path, f"{value!r} {problem}"
    if isinstance(tier.airflow, AstronomerAirflowSpec) and tier.airflow.requirements:
        value = tier.airflow.requirements
        path = ["airflow", "requirements"]
        problem = confinement_problem(value, root, config_dir)
        if problem:
            yield path, f"{value!r} {problem}"
        elif not (root / value).is_file():
            yield path, f"{value!r} is not a file (the image's Python requirements)"
    # Databricks notebook and dbt paths: databricks_checks.py applies the same rule.
    plugins = getattr(tier.airflow, "plugins", None)  # MWAA's plugins.zip, a repository file
    if plugins is not None:
        where: list[str | int] = ["airflow", "plugins", "path"]
        problems = list(_source(where, plugins.path, root, config_dir))
        yield from problems
        if not problems and not (root / plugins.path).is_file():
            yield (
                where,
                f"file {plugins.path!r} does not exist (relative to the project folder, the config folder's parent)",
            )
    plugins = tier.release.dags.checks.plugins_folder
    if plugins is not None:
        field = ["release", "dags", "checks", "plugins_folder"]
        confinement = list(_source(field, plugins, root, config_dir))
        yield from confinement
        if not confinement and not (root / plugins).is_dir():
            yield (
                field,
                f"folder {plugins!r} does not exist (paths are relative to the project folder, the config folder's parent)",
            )


def release_path_problems(release, root: Path, config_dir: Path) -> Iterator[Problem]:
    """The platform's release folders (sources: tracked files are expected there)."""
    if release.dbt is not None:
        yield from _source(
            ["release", "dbt", "project_dir"], release.dbt.project_dir, root, config_dir
        )
        if release.dbt.profiles_dir is not None:
            yield from _source(
                ["release", "dbt", "profiles_dir"], release.dbt.profiles_dir, root, config_dir
            )
    if release.dags is not None:
        yield from _source(["release", "dags", "folder"], release.dags.folder, root, config_dir)
        if release.dags.requirements is not None:
            yield from _source(
                ["release", "dags", "requirements"], release.dags.requirements, root, config_dir
            )


def _source(path: list[str | int], value: str, root: Path, config_dir: Path) -> Iterator[Problem]:
    problem = confinement_problem(value, root, config_dir)
    if problem:
        from tierform.config.error_format import shorten

        yield path, f"{shorten(value)} {problem}"
