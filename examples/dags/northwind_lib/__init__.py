"""Settings shared by Northwind's DAGs: which tier they run in and how to call dbt.

The same files are published to every tier; the tier comes from the release that published
them (RELEASE.json, written next to the DAGs by `python -m tierform.release dags`), or from
TIERFORM_TIER when set in the Airflow environment. Nothing tier-specific is copied into files.
The dbt project and the tier's profiles.yml are published with the DAGs (tierform_release/);
RELEASE.json says where (`artifact.dbt`), relative to this folder.
"""

from __future__ import annotations

import json
import os
import shlex
import tempfile
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


def _artifact_path(key: str) -> str | None:
    """A location of the dbt part of the release (relative to this folder in RELEASE.json)."""
    dbt = (release().get("artifact") or {}).get("dbt") or {}
    return str(DAGS_FOLDER / dbt[key]) if dbt.get(key) else None


def dbt_project_dir() -> str:
    """The dbt project published with these DAGs (RELEASE.json `artifact.dbt.project_dir`);
    DBT_PROJECT_DIR overrides it; from the repository (no release yet): examples/dbt."""
    return (
        os.environ.get("DBT_PROJECT_DIR")
        or _artifact_path("project_dir")
        or str(DAGS_FOLDER.parent / "dbt")
    )


def dbt_profiles_dir() -> str:
    """profiles.yml of this tier, published with the DAGs (`artifact.dbt.profiles_dir`)."""
    return os.environ.get("DBT_PROFILES_DIR") or _artifact_path("profiles_dir") or dbt_project_dir()


def _local() -> dict:
    """On a local tier: the repository root (relative to this folder) and, relative to it,
    the virtualenv's dbt and the DuckDB file (RELEASE.json `local`)."""
    return release().get("local") or {}


def _from_root(relative: str) -> str:
    return str((DAGS_FOLDER / _local().get("repo_root", ".") / relative).resolve())


def dbt_command(verb: str, select: str | None = None) -> str:
    """A `dbt` command line for this tier; credentials come from the worker's environment."""
    executable = _local().get("dbt_executable")
    dbt = shlex.quote(_from_root(executable) if executable else "dbt")
    parts = [f"{dbt} {verb}", f"--project-dir {shlex.quote(dbt_project_dir())}"]
    parts.append(f"--profiles-dir {shlex.quote(dbt_profiles_dir())}")
    parts.append(f"--target {shlex.quote(dbt_target())}")
    if select:
        parts.append(f"--select {shlex.quote(select)}")
    return " ".join(parts)


def dbt_env() -> dict[str, str]:
    """Environment of dbt tasks: dbt writes its target/ and logs/ to a scratch folder (the
    published release stays as published), plus what a local release recorded."""
    scratch = Path(tempfile.gettempdir()) / "tierform-dbt" / (release().get("release_id") or "repo")
    env = {
        "DBT_TARGET_PATH": str(scratch / "target"),
        "DBT_LOG_PATH": str(scratch / "logs"),
    }
    for name, relative in (_local().get("dbt_env") or {}).items():
        env[name] = _from_root(relative)
    env.update(_connection_env())
    return env


def _connection_env() -> dict[str, str]:
    """The warehouse credentials from the Airflow connection RELEASE.json names (MWAA: the
    secrets backend reads it from AWS Secrets Manager), rendered when the task runs (Jinja),
    never at parse time and never written anywhere."""
    conn = ((release().get("artifact") or {}).get("dbt") or {}).get("connection_id")
    if not conn:
        return {}
    c = f"conn[{conn!r}]"
    return {
        "SNOWFLAKE_ACCOUNT": f"{{{{ {c}.extra_dejson.get('account', '') }}}}",
        "SNOWFLAKE_USER": f"{{{{ {c}.login }}}}",
        "SNOWFLAKE_PRIVATE_KEY": f"{{{{ {c}.extra_dejson.get('private_key_content', '') }}}}",
        "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": f"{{{{ {c}.password or '' }}}}",
    }


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
