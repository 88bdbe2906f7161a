"""Cross-field checks of a tier's Databricks section, as (field path, message).

`repo_root` is the project folder (config/'s parent) that notebook paths and dbt projects
are relative to: what a job names must exist there, or the job would fail at run time, not
at plan time. Jobs read them from the git root, with `repository.subfolder` in front.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from tierform.config.attribution import unknown_name
from tierform.config.databricks import DatabricksSpec, JobSpec
from tierform.config.databricks_naming import (
    NOTEBOOK_EXTENSIONS,
    sandbox_schema_name,
    schema_name,
)
from tierform.config.error_format import shorten
from tierform.config.repo_paths import confinement_problem, syntax_problem
from tierform.config.tier import TierSpec

Problem = tuple[list[str | int], str]

BASE: list[str | int] = ["databricks"]


_DECLARED_AT = {
    "cluster policy": [*BASE, "cluster_policies"],
    "SQL warehouse": [*BASE, "sql_warehouses"],
    "schema": [*BASE, "catalog", "schemas"],
}


def _unknown(kind: str, name: str, known, declared_at: list[str | int] | None = None) -> str:
    where = declared_at if declared_at is not None else _DECLARED_AT[kind]
    return unknown_name(kind, name, known, declared_at=where)


def check_databricks(tier: TierSpec, repo_root: Path | None) -> Iterator[Problem]:
    dbx = tier.databricks
    if dbx is None:
        return
    if tier.kind == "local":
        yield BASE, "a local tier runs without any cloud account; remove the databricks section"
        return
    yield from _check_principals(dbx)
    yield from _check_catalog(tier, dbx)
    yield from _check_compute(dbx)
    yield from _check_git(tier, dbx)
    yield from _check_git_folders(tier, dbx)
    # One answer per distinct path and kind: jobs share notebooks and dbt projects, and each
    # answer resolves symlinks on disk; nothing on disk changes while one tier is checked.
    path_problem = functools.cache(functools.partial(_repo_path_problem, repo_root=repo_root))
    for name, job in dbx.jobs.items():
        yield from _check_job(dbx, name, job, path_problem)
        yield from _check_job_notifications(name, job)


def _check_principals(dbx: DatabricksSpec) -> Iterator[Problem]:
    known = dbx.principals
    sp = dbx.service_principal.name
    if sp in dbx.groups:
        yield [*BASE, "groups"], f"{sp!r} is also the service principal's name"

    def unknown(principal: str) -> str:
        return (
            f"{principal!r} is not a known principal: grant to a group listed under "
            f"databricks.groups or to the service principal {sp!r} (known: {', '.join(known)})"
        )

    for principal in dbx.catalog.access:
        if principal not in known:
            yield [*BASE, "catalog", "access", principal], unknown(principal)
    for schema, spec in dbx.catalog.schemas.items():
        for principal in spec.access:
            if principal not in known:
                yield [*BASE, "catalog", "schemas", schema, "access", principal], unknown(principal)
    for name, policy in dbx.cluster_policies.items():
        for i, principal in enumerate(policy.access):
            if principal not in known:
                yield [*BASE, "cluster_policies", name, "access", i], unknown(principal)
    for name, wh in dbx.sql_warehouses.items():
        for principal in wh.access:
            if principal not in known:
                yield [*BASE, "sql_warehouses", name, "access", principal], unknown(principal)
    for name, job in dbx.jobs.items():
        for principal in job.access:
            if principal not in known:
                yield [*BASE, "jobs", name, "access", principal], unknown(principal)
    if dbx.secret_scope is not None:
        for principal in dbx.secret_scope.acls:
            if principal not in known:
                yield [*BASE, "secret_scope", "acls", principal], unknown(principal)


def _check_catalog(tier: TierSpec, dbx: DatabricksSpec) -> Iterator[Problem]:
    catalog = dbx.catalog
    path = [*BASE, "catalog"]
    if catalog.bind_to_workspace:
        if catalog.layout == "shared":
            yield (
                [*path, "bind_to_workspace"],
                "only a per_tier catalog can be bound to a workspace",
            )
        elif dbx.workspace.id is None:
            yield (
                [*BASE, "workspace", "id"],
                "required when catalog.bind_to_workspace is true (the numeric workspace id)",
            )
    if catalog.layout == "shared" and catalog.access:
        yield (
            [*path, "access"],
            "a shared catalog is managed outside the tier stacks: grant on its schemas instead",
        )
    for dev in tier.developers:
        sandbox = sandbox_schema_name(tier, dev.name)
        for logical in catalog.schemas:
            if dev.databricks_user and schema_name(tier, logical) == sandbox:
                yield (
                    [*path, "schemas", logical],
                    f"makes the schema {sandbox!r}, which is the Databricks sandbox schema of "
                    f"developer {dev.name!r}",
                )


def _check_compute(dbx: DatabricksSpec) -> Iterator[Problem]:
    ceiling = dbx.max_auto_termination_minutes
    for name, policy in dbx.cluster_policies.items():
        if policy.auto_termination_minutes > ceiling:
            yield (
                [*BASE, "cluster_policies", name, "auto_termination_minutes"],
                f"{policy.auto_termination_minutes} is above this tier's maximum "
                f"(max_auto_termination_minutes: {ceiling})",
            )
    for name, wh in dbx.sql_warehouses.items():
        path = [*BASE, "sql_warehouses", name]
        if wh.auto_stop_mins > ceiling:
            yield (
                [*path, "auto_stop_mins"],
                f"{wh.auto_stop_mins} is above this tier's maximum "
                f"(max_auto_termination_minutes: {ceiling})",
            )
        if not wh.serverless and wh.auto_stop_mins < 10:
            yield (
                [*path, "auto_stop_mins"],
                "a classic (non-serverless) warehouse needs at least 10",
            )
        if wh.min_clusters > wh.max_clusters:
            yield (
                [*path, "min_clusters"],
                f"{wh.min_clusters} is more than max_clusters ({wh.max_clusters})",
            )


def _check_git(tier: TierSpec, dbx: DatabricksSpec) -> Iterator[Problem]:
    if dbx.jobs and dbx.git is None:
        yield [*BASE, "git"], "required when jobs are declared (the repository jobs run from)"
    if dbx.git is not None and dbx.git.branch is not None and tier.kind == "prod":
        yield (
            [*BASE, "git", "branch"],
            f"a prod tier never runs jobs from a moving branch ({dbx.git.branch!r}): pin a tag "
            "or commit, or leave all three out so CD passes the commit in "
            "TF_VAR_databricks_git_commit",
        )


def _check_git_folders(tier: TierSpec, dbx: DatabricksSpec) -> Iterator[Problem]:
    if dbx.git_folders is not None and dbx.git is None:
        yield [*BASE, "git_folders"], "needs databricks.git (the repository the folders check out)"
    folders = dbx.git_folders is not None and dbx.git_folders.sandboxes
    for i, dev in enumerate(tier.developers):
        if dev.git_branch is not None and not (folders and dev.databricks_user):
            yield (
                ["developers", i, "git_branch"],
                "is the branch of the developer's Databricks Git folder: it needs a "
                "databricks_user and databricks.git_folders with sandboxes: true",
            )


def _check_job(
    dbx: DatabricksSpec, name: str, job: JobSpec, path_problem: Callable[..., str | None]
) -> Iterator[Problem]:
    """`path_problem`: `_repo_path_problem` with the repository given (and memoised)."""
    path = [*BASE, "jobs", name]
    cluster = job.cluster
    policy = dbx.cluster_policies.get(cluster.policy)
    if policy is None:
        yield (
            [*path, "cluster", "policy"],
            _unknown("cluster policy", cluster.policy, dbx.cluster_policies),
        )
    else:
        if cluster.node_type not in policy.node_types:
            yield (
                [*path, "cluster", "node_type"],
                f"{cluster.node_type!r} is not allowed by policy {cluster.policy!r} "
                f"(allowed: {', '.join(policy.node_types)})",
            )
        if cluster.max_workers > policy.max_workers:
            field = ["autoscale", "max_workers"] if cluster.autoscale else ["workers"]
            yield (
                [*path, "cluster", *field],
                f"{cluster.max_workers} is above the max_workers of policy {cluster.policy!r} "
                f"({policy.max_workers})",
            )
    yield from _check_task_graph(job, path)
    for task_name, task in job.tasks.items():
        tpath = [*path, "tasks", task_name]
        if task.notebook is not None:
            problem = path_problem(task.notebook, notebook=True)
            if problem:
                yield [*tpath, "notebook"], problem
        if task.spark_python is not None:
            problem = path_problem(task.spark_python.file, notebook=False, file=True)
            if problem:
                yield [*tpath, "spark_python", "file"], problem
        if task.dbt is not None:
            dbt = task.dbt
            problem = path_problem(dbt.project, notebook=False)
            if problem:
                yield [*tpath, "dbt", "project"], problem
            if dbt.warehouse not in dbx.sql_warehouses:
                yield (
                    [*tpath, "dbt", "warehouse"],
                    _unknown("SQL warehouse", dbt.warehouse, dbx.sql_warehouses),
                )
            if dbt.target_schema is not None and dbt.target_schema not in dbx.catalog.schemas:
                yield (
                    [*tpath, "dbt", "target_schema"],
                    _unknown("schema", dbt.target_schema, dbx.catalog.schemas),
                )


def _check_task_graph(job: JobSpec, path: list[str | int]) -> Iterator[Problem]:
    """Every `depends_on` names another task of the job, and the tasks form no cycle (the
    Jobs API refuses a cycle at apply time, after the plan was approved)."""
    for task_name, task in job.tasks.items():
        tpath = [*path, "tasks", task_name, "depends_on"]
        for i, dep in enumerate(task.depends_on):
            if dep == task_name:
                yield [*tpath, i], f"task {task_name!r} depends on itself"
            elif dep not in job.tasks:
                yield (
                    [*tpath, i],
                    _unknown("task of this job", dep, job.tasks, [*path, "tasks"]),
                )
    cycle = _first_cycle({n: [d for d in t.depends_on if d != n] for n, t in job.tasks.items()})
    if cycle:
        yield (
            [*path, "tasks", cycle[0], "depends_on"],
            f"tasks depend on each other in a cycle: {' → '.join([*cycle, cycle[0]])}",
        )


def _first_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """One cycle of `graph` (task → the tasks it depends on), in dependency order, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    trail: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        trail.append(node)
        for dep in graph.get(node, []):
            if dep not in graph:
                continue
            if state.get(dep) == 1:
                return trail[trail.index(dep) :]
            if dep not in state and (found := visit(dep)):
                return found
        trail.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state and (found := visit(node)):
            return found
    return None


def _repo_path_problem(
    value: str, repo_root: Path | None, *, notebook: bool, file: bool = False
) -> str | None:
    """Why `value` is not a usable repository-relative path, or None."""
    # The shared rule (repo_paths.py); its text part alone when there is no repository.
    problem = (
        confinement_problem(value, repo_root) if repo_root is not None else syntax_problem(value)
    )
    if problem:
        return f"{shorten(value)} {problem}"
    pure = PurePosixPath(value)
    if repo_root is None:
        return None
    target = repo_root / pure
    if notebook:
        stem = target.with_suffix("") if target.suffix in NOTEBOOK_EXTENSIONS else target
        candidates = [stem.with_name(stem.name + ext) for ext in NOTEBOOK_EXTENSIONS]
        if target.is_file() or any(c.is_file() for c in candidates):
            return None
        return (
            f"notebook {value!r} does not exist in the repository "
            f"(looked for it with and without {', '.join(NOTEBOOK_EXTENSIONS)})"
        )
    if file:
        if target.is_file():
            return None
        return f"file {value!r} does not exist in the repository"
    if (target / "dbt_project.yml").is_file():
        return None
    return f"dbt project {value!r} does not exist in the repository (no {value}/dbt_project.yml)"


def _check_job_notifications(name: str, job: JobSpec) -> Iterator[Problem]:
    path = [*BASE, "jobs", name]
    warned = job.notifications is not None and (
        job.notifications.on_duration_warning.emails
        or job.notifications.on_duration_warning.webhooks
    )
    if warned and job.warn_after_seconds is None:
        yield (
            [*path, "notifications", "on_duration_warning"],
            "needs warn_after_seconds on the job (how long a run may take before the warning)",
        )
    warn, timeout = job.warn_after_seconds, job.timeout_seconds
    if warn is not None and timeout and warn >= timeout:
        yield (
            [*path, "warn_after_seconds"],
            f"{warn} is not below timeout_seconds ({timeout}): "
            "the run would be cancelled before the warning",
        )
