"""What a pull request's one-time run of a Databricks job is: which jobs a PR touches (the
notebooks, Python files and dbt projects their tasks run from Git) and the Jobs API
`runs/submit` request that runs one of them from the PR's commit, with the tasks, job
cluster and cluster policy the tier's deployed job has (tierform/constructs/databricks/jobs.py
and job_tasks.py build the same from the same config).

Pure functions of config: nothing here calls the workspace.
"""

from __future__ import annotations

import hashlib
from typing import Any

from tierform.config import databricks_naming as naming
from tierform.config.databricks import GitSpec, JobSpec, TaskSpec
from tierform.config.job_sources import job_paths, runs_file
from tierform.config.repository import in_repository
from tierform.config.tier import TierSpec


def touched_tasks(job: JobSpec, subfolder: str, changed: set[str] | None) -> dict[str, list[str]]:
    """Task key → the changed files it runs (every Git task when `changed` is None: --all);
    what a task runs is tierform/config/job_sources.py's, as for the Git folders trigger."""
    found: dict[str, list[str]] = {}
    for key, (path, folder) in job_paths(job, subfolder).items():
        if changed is None:
            found[key] = [path]
            continue
        files = sorted(f for f in changed if runs_file(f, path, folder))
        if files:
            found[key] = files
    return found


def git_source(git: GitSpec, *, commit: str | None, branch: str | None) -> dict[str, str]:
    """The PR's code: its head commit when known (exactly what was reviewed), else its branch."""
    source = {"git_url": git.url, "git_provider": git.provider}
    if commit:
        return source | {"git_commit": commit}
    if branch:
        return source | {"git_branch": branch}
    raise ValueError("neither the PR's commit nor its branch is known")


def idempotency_token(tier: str, pr: int, ref: str, job: str) -> str:
    """One run per tier, PR, commit and job: a retried or repeated submit (a re-run CI job,
    a lost answer) gets the run already started instead of a second one. At most 64 chars."""
    return hashlib.sha256(f"tierform|{tier}|{pr}|{ref}|{job}".encode()).hexdigest()


def run_name(tier: str, job: str, pr: int, ref: str) -> str:
    return f"[{tier}] {job} · PR #{pr} @ {ref[:12]}"


def submit_request(
    tier: TierSpec,
    logical: str,
    job: JobSpec,
    *,
    pr: int,
    source: dict[str, str],
    policy_id: str,
    warehouse_ids: dict[str, str],
    limit_seconds: int,
) -> dict[str, Any]:
    """The runs/submit body (Jobs API 2.1) for one job of the tier."""
    dbx = tier.databricks
    assert dbx is not None and dbx.git is not None
    catalog = naming.catalog_name(tier)
    ref = source.get("git_commit") or source.get("git_branch") or ""
    cluster: dict[str, Any] = {
        "policy_id": policy_id,
        "apply_policy_default_values": True,
        "spark_version": job.cluster.spark_version
        or dbx.cluster_policies[job.cluster.policy].spark_version,
        "node_type_id": job.cluster.node_type,
        "data_security_mode": "SINGLE_USER",
    }
    if job.cluster.autoscale is not None:
        scale = job.cluster.autoscale
        cluster["autoscale"] = {"min_workers": scale.min_workers, "max_workers": scale.max_workers}
    else:
        cluster["num_workers"] = 1 if job.cluster.workers is None else job.cluster.workers
    # Databricks stops the run itself at the CI's limit too: a runner killed outright
    # (no chance to cancel) leaves no run behind for longer than that.
    timeout = min(job.timeout_seconds, limit_seconds) if job.timeout_seconds else limit_seconds
    return {
        "run_name": run_name(tier.name, logical, pr, ref),
        "idempotency_token": idempotency_token(tier.name, pr, ref, logical),
        "git_source": source,
        "timeout_seconds": timeout,
        "job_clusters": [{"job_cluster_key": naming.JOB_CLUSTER_KEY, "new_cluster": cluster}],
        "tasks": [
            _task(key, task, job, tier, catalog, warehouse_ids, dbx.git.subfolder)
            for key, task in job.tasks.items()
        ],
    }


def _task(
    key: str,
    task: TaskSpec,
    job: JobSpec,
    tier: TierSpec,
    catalog: str,
    warehouse_ids: dict[str, str],
    subfolder: str,
) -> dict[str, Any]:
    out: dict[str, Any] = {"task_key": key, "job_cluster_key": naming.JOB_CLUSTER_KEY}
    if task.depends_on:
        out["depends_on"] = [{"task_key": d} for d in task.depends_on]
    libraries: list[dict[str, Any]] = []
    if task.notebook is not None:
        out["notebook_task"] = {
            "notebook_path": in_repository(subfolder, naming.notebook_path(task.notebook)),
            "source": "GIT",
            # A one-time run has no job parameters: their defaults become widgets, as the
            # deployed job pushes them down.
            "base_parameters": {**job.parameters, "catalog": catalog, **task.parameters},
        }
    if task.dbt is not None:
        spec = task.dbt
        out["dbt_task"] = {
            "project_directory": in_repository(subfolder, spec.project),
            "commands": list(spec.commands),
            "warehouse_id": warehouse_ids[spec.warehouse],
            "catalog": catalog,
            "schema": naming.schema_name(tier, spec.target_schema)
            if spec.target_schema
            else "default",
            "source": "GIT",
        }
        libraries.append({"pypi": {"package": spec.dbt_package}})
    if task.python_wheel is not None:
        wheel = task.python_wheel
        body: dict[str, Any] = {
            "package_name": wheel.package_name,
            "entry_point": wheel.entry_point,
        }
        if wheel.named_parameters:
            body["named_parameters"] = {"catalog": catalog, **wheel.named_parameters}
        else:
            body["parameters"] = ["--catalog", catalog, *wheel.parameters]
        out["python_wheel_task"] = body
        if wheel.package is not None:
            libraries.append({"pypi": {"package": wheel.package}})
        if wheel.wheel is not None:
            libraries.append({"whl": wheel.wheel})
    if task.spark_python is not None:
        out["spark_python_task"] = {
            "python_file": in_repository(subfolder, task.spark_python.file),
            "parameters": ["--catalog", catalog, *task.spark_python.parameters],
            "source": "GIT",
        }
    if libraries:
        out["libraries"] = libraries
    retries = task.retries or job.retries
    if retries is not None:
        out |= {
            "max_retries": retries.max_retries,
            "min_retry_interval_millis": retries.min_interval_seconds * 1000,
            "retry_on_timeout": retries.retry_on_timeout,
        }
    if task.timeout_seconds:
        out["timeout_seconds"] = task.timeout_seconds
    return out
