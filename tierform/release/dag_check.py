"""Validate a DAGs folder with Airflow's own parser before anything is published.

Import errors (including cycles, which Airflow reports as import errors) block the publish;
each is reported with its file and the error's last line (the full traceback is kept in the
result for the log).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tierform.release.context import ReleaseError


@dataclass(frozen=True)
class DagCheck:
    dags: dict[str, str]  # dag_id → file (relative to the folder)
    errors: dict[str, str]  # file → full error text

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_lines(self) -> list[str]:
        return [f"{file}: {headline(text)}" for file, text in sorted(self.errors.items())]


def headline(error: str) -> str:
    """The line that says what went wrong: the last non-empty line of a traceback."""
    lines = [line.strip() for line in error.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "unknown error"


def airflow_environment(root: Path, dags_folder: Path, extra: dict[str, str]) -> dict[str, str]:
    """Airflow's settings for parsing: its home (config, SQLite, logs) under the git-ignored
    .tierform/, never ~/airflow, and no example DAGs."""
    home = root / ".tierform" / "airflow-home"
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(dags_folder),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__LOGGING__LOGGING_LEVEL="WARNING",
        **extra,
    )
    return env


def check_dags(root: Path, folder: Path, extra_env: dict[str, str] | None = None) -> DagCheck:
    with tempfile.TemporaryDirectory(prefix="tierform-dagbag-") as tmp:
        out = Path(tmp) / "result.json"
        proc = subprocess.run(
            [sys.executable, "-m", "tierform.release._dagbag", str(folder), str(out)],
            env=airflow_environment(root, folder, extra_env or {}),
            capture_output=True,
            text=True,
            timeout=600,
        )
        if proc.returncode != 0 or not out.is_file():
            tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
            raise ReleaseError(f"Airflow's DAG parser could not run:\n{tail}")
        data = json.loads(out.read_text())
    return DagCheck(dags=data["dags"], errors=data["errors"])
