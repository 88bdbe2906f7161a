"""Settings shared by Northwind's DAGs: which tier they run in and how to call dbt.

The same files are published to every tier; the tier comes from the release that published
them (RELEASE.json, written next to the DAGs by `python -m tierform.release dags`), or from
TIERFORM_TIER when set in the Airflow environment. Nothing tier-specific is copied into files.
"""

from __future__ import annotations

import json
import os
import shlex
from functools import cache
from pathlib import Path

DAGS_FOLDER = Path(__file__).resolve().parent.parent
RELEASE_FILE = "RELEASE.json"


@cache
def release() -> dict:
    """The manifest of the release these files belong to ({} when run from the repo)."""
    path = DAGS_FOLDER / RELEASE_FILE
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def tier() -> str:
    return os.environ.get("TIERFORM_TIER") or release().get("tier") or "local"


def dbt_target() -> str:
    return os.environ.get("TIERFORM_DBT_TARGET") or release().get("dbt_target") or tier()


def dbt_project_dir() -> str:
    """Where the dbt project lives on the workers: DBT_PROJECT_DIR, else what the release
    recorded (the repository's project folder for the local tier)."""
    return os.environ.get("DBT_PROJECT_DIR") or release().get("dbt_project_dir") or "dbt"


def dbt_command(verb: str, select: str | None = None) -> str:
    """A `dbt` command line for this tier; credentials come from the worker's environment."""
    project = shlex.quote(dbt_project_dir())
    dbt = shlex.quote(release().get("dbt_executable") or "dbt")
    parts = [f"{dbt} {verb}", f"--project-dir {project}", f"--profiles-dir {project}"]
    parts.append(f"--target {shlex.quote(dbt_target())}")
    if select:
        parts.append(f"--select {shlex.quote(select)}")
    return " ".join(parts)


def dbt_env() -> dict[str, str]:
    """Extra environment for dbt tasks that the release recorded (the local DuckDB file)."""
    return dict(release().get("dbt_env") or {})


def dbt_task(task_id: str, verb: str, select: str | None = None):
    """A task that runs one dbt command for this tier."""
    from airflow.providers.standard.operators.bash import BashOperator

    return BashOperator(
        task_id=task_id,
        bash_command=dbt_command(verb, select),
        env=dbt_env(),
        append_env=True,  # keep the worker's credentials (SNOWFLAKE_*) and PATH
    )


def tags() -> list[str]:
    return ["northwind", f"tier:{tier()}"]


def default_args() -> dict:
    """Every task's owner and retries (the tiers' DAG check rules ask for both)."""
    return {"owner": "data-platform", "retries": 1}
