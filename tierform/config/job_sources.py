"""What a Databricks job runs from Git: the one definition of "the files a job runs".

Two users, one rule: the `databricks-runs` check asks which jobs a PR's changed files
belong to (tierform/ci/databricks_submit.py `touched_tasks`), and the Git folders release
step's trigger hashes the files the tier's jobs run (tierform/release/triggers.py), so the
folder is refreshed exactly when a PR would have run a job.

A task runs from Git a notebook (named without its extension: `notebooks/ingest` is
`notebooks/ingest.py`, `.sql`, …), a `spark_python` file, or a dbt project (every file under
its folder). Wheel tasks run an installed package: nothing from the repository. Paths are
as the git root sees them (the project's subfolder in front, tierform/config/repository.py).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from tierform.config import databricks_naming as naming
from tierform.config.databricks import JobSpec, TaskSpec
from tierform.config.repository import in_repository


def task_paths(task: TaskSpec, subfolder: str) -> tuple[str, bool] | None:
    """(git-root-relative path, is a folder) of what the task runs from Git, or None (a
    wheel task runs an installed package)."""
    if task.notebook is not None:
        return in_repository(subfolder, naming.notebook_path(task.notebook)), False
    if task.spark_python is not None:
        return in_repository(subfolder, task.spark_python.file), False
    if task.dbt is not None:
        return in_repository(subfolder, task.dbt.project), True
    return None


def job_paths(job: JobSpec, subfolder: str) -> dict[str, tuple[str, bool]]:
    """Task key → what it runs from Git, for the job's Git tasks."""
    found = {}
    for key, task in job.tasks.items():
        located = task_paths(task, subfolder)
        if located is not None:
            found[key] = located
    return found


def runs_file(relative: str, path: str, folder: bool) -> bool:
    """Whether the git-root-relative file `relative` is (part of) what `path` runs."""
    if folder:
        return relative == path or relative.startswith(path.rstrip("/") + "/")
    if relative == path:
        return True
    # A notebook is named without its extension (ingest_orders → ingest_orders.py).
    candidate = PurePosixPath(relative)
    return candidate.suffix in naming.NOTEBOOK_EXTENSIONS and str(candidate.with_suffix("")) == path
