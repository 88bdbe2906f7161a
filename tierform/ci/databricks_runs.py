"""The `databricks-runs` check of `tierform ci run`: every Databricks job of the target tier
whose code the PR changes runs once from the PR's commit (Jobs API runs/submit with
`git_source`), on the tier's job cluster policy, before the PR merges.

The check waits for the runs with the platform's time limit (`ci.databricks_run_minutes`),
polling runs/get; it cancels its runs (runs/cancel) when the limit passes and when the CI job
itself is cancelled (SIGTERM/SIGINT, what GitHub sends a cancelled job). Jobs with `ci: false`
are reported as skipped and never submitted. A PR that touches no job's code calls nothing.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tierform.ci import changes
from tierform.ci.databricks_api import DatabricksApi, DatabricksApiError, workspace_host
from tierform.ci.databricks_submit import git_source, submit_request, touched_tasks
from tierform.ci.errors import CiInputError
from tierform.ci.pr_head import HEAD_SHA_ENV, pr_head_commit
from tierform.ci.result import Annotation, CheckOutcome
from tierform.config import databricks_naming as naming
from tierform.config.repo_paths import git_root
from tierform.gitops.markdown import cell, code
from tierform.release.context import ReleaseContext

CHECK = "databricks-runs"
POLL_SECONDS = 15.0
# Jobs API life cycle states after which a run changes no more.
FINAL_STATES = {"TERMINATED", "SKIPPED", "INTERNAL_ERROR"}


@dataclass
class JobRun:
    job: str  # logical name
    run_id: int
    files: dict[str, list[str]]  # task key → changed files it runs
    url: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    tasks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.state.get("life_cycle_state") in FINAL_STATES

    @property
    def passed(self) -> bool:
        return self.finished and self.state.get("result_state") == "SUCCESS"


class Cancelled(Exception):
    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def _cancellable() -> Iterator[None]:
    """SIGTERM/SIGINT become `Cancelled` while the runs are watched (main thread only:
    Python delivers signals there)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, _frame):
        raise Cancelled(signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


def _pr_ref(root: Path, env: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(head commit, branch) of the PR: the workflow's head SHA (CI checks out a merge
    commit Databricks could not fetch), else the checkout's HEAD; GitHub's head branch."""
    return pr_head_commit(root, env), env.get("GITHUB_HEAD_REF") or None


def run_databricks_jobs(
    ctx: ReleaseContext,
    pr: int,
    base: str | None,
    *,
    env: Mapping[str, str] | None = None,
    now: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    poll_seconds: float = POLL_SECONDS,
    echo: Callable[[str], None] = lambda line: print(line, flush=True),
) -> CheckOutcome:
    env = os.environ if env is None else env
    tier = ctx.tier
    dbx = tier.databricks
    if dbx is None or not dbx.jobs or dbx.git is None:
        return CheckOutcome(CHECK, "skip", "no Databricks jobs", "The tier has no Databricks jobs.")
    repo = git_root(ctx.platform.repo_root) or ctx.platform.repo_root
    changed = None if base is None else set(changes.changed_files(repo, base))
    wanted: dict[str, dict[str, list[str]]] = {}
    skipped: list[str] = []
    for logical, job in dbx.jobs.items():
        files = touched_tasks(job, dbx.git.subfolder, changed)
        if not files:
            continue
        if job.ci:
            wanted[logical] = files
        else:
            skipped.append(logical)
    if not wanted:
        summary = "the PR changes no Databricks job's code"
        if skipped:
            summary = f"skipped {', '.join(skipped)} (ci: false)"
        return CheckOutcome(CHECK, "skip", summary, _skipped_markdown(skipped))

    commit, branch = _pr_ref(ctx.platform.repo_root, env)
    try:
        source = git_source(dbx.git, commit=commit, branch=branch)
    except ValueError as exc:
        raise CiInputError(f"databricks runs: {exc} (set {HEAD_SHA_ENV})") from None
    host = workspace_host(dbx.workspace.host, env)
    if host != dbx.workspace.host:  # say so: the runs go to another workspace than config's
        echo(f"tierform ci [{tier.name}] {CHECK}: workspace {host} (from DATABRICKS_HOST)")
    api = DatabricksApi(host, env, sleep=sleep)
    limit = ctx.platform.platform.ci.databricks_run_minutes * 60
    try:
        runs = _submit(api, ctx, pr, wanted, source, limit, echo)
    except DatabricksApiError as exc:  # before any run started
        raise CiInputError(f"databricks runs on {tier.name}: {exc}") from None
    cancelled: list[str] = []
    deadline = now() + limit
    with _watching(api, runs, echo), _cancel_on_error(api, runs, echo, tier.name):
        while True:
            for run in runs:
                if not run.finished:
                    _refresh(api, run)
            if all(r.finished for r in runs):
                break
            if now() >= deadline:
                cancelled = _cancel(api, runs, echo, f"the {limit // 60} min limit passed")
                for run in runs:  # what each task had reached when it was stopped
                    _refresh(api, run)
                break
            sleep(poll_seconds)
    return _outcome(runs, skipped, source, cancelled, limit)


def _submit(api, ctx, pr, wanted, source, limit, echo) -> list[JobRun]:
    """Every request is built (its policy and warehouses found) before the first is sent,
    so a missing one starts nothing; a refused submit cancels the runs already started."""
    dbx = ctx.tier.databricks
    policies = api.policy_ids()
    needs_warehouse = any(t.dbt for j in wanted for t in dbx.jobs[j].tasks.values())
    warehouses = api.warehouse_ids() if needs_warehouse else {}
    physical = {w: naming.object_name(ctx.tier, w) for w in dbx.sql_warehouses}
    requests = {}
    for logical in wanted:
        job = dbx.jobs[logical]
        policy = naming.object_name(ctx.tier, job.cluster.policy)
        if policy not in policies:
            raise DatabricksApiError(
                f"job {logical}: cluster policy {policy!r} is not in the workspace "
                "(deploy the tier first, or give the CI's identity CAN_USE on it)"
            )
        for task in job.tasks.values():
            if task.dbt and physical[task.dbt.warehouse] not in warehouses:
                raise DatabricksApiError(
                    f"job {logical}: SQL warehouse {physical[task.dbt.warehouse]!r} is not "
                    "in the workspace (deploy the tier first, or give the CI's identity "
                    "CAN_USE on it)"
                )
        requests[logical] = submit_request(
            ctx.tier,
            logical,
            job,
            pr=pr,
            source=source,
            policy_id=policies[policy],
            warehouse_ids={w: warehouses.get(p, "") for w, p in physical.items()},
            limit_seconds=limit,
        )
    runs: list[JobRun] = []
    with _watching(api, runs, echo), _cancel_on_error(api, runs, echo, ctx.tier.name):
        for logical, request in requests.items():
            run = JobRun(logical, api.submit_run(request), wanted[logical])
            runs.append(run)
            _refresh(api, run)
            echo(
                f"tierform ci [{ctx.tier.name}] {CHECK}: {logical} run {run.run_id} {run.url or ''}"
            )
    return runs


@contextmanager
def _watching(api: DatabricksApi, runs: list[JobRun], echo) -> Iterator[None]:
    """A cancelled CI job cancels the runs it started, then ends (128 + the signal)."""
    try:
        with _cancellable():
            yield
    except Cancelled as stop:
        _cancel(api, runs, echo, f"the CI job was cancelled ({stop})")
        sys.stdout.flush()
        raise SystemExit(128 + stop.signum) from None


@contextmanager
def _cancel_on_error(api, runs, echo, tier: str) -> Iterator[None]:
    """The workspace stops answering mid-run: stop the runs (best effort), exit 2."""
    try:
        yield
    except DatabricksApiError as exc:
        _cancel(api, runs, echo, "the check could not follow them")
        raise CiInputError(f"databricks runs on {tier}: {exc}") from None


def _refresh(api: DatabricksApi, run: JobRun) -> None:
    answer = api.get_run(run.run_id)
    run.url = answer.get("run_page_url") or run.url
    run.state = answer.get("state") or {}
    run.tasks = answer.get("tasks") or []


def _cancel(api: DatabricksApi, runs: list[JobRun], echo, why: str) -> list[str]:
    """Cancel every unfinished run (runs/cancel is asynchronous); the jobs cancelled."""
    cancelled = []
    for run in runs:
        if run.finished:
            continue
        try:
            api.cancel_run(run.run_id)
            cancelled.append(run.job)
            echo(f"tierform ci {CHECK}: cancelled run {run.run_id} ({run.job}): {why}")
        except DatabricksApiError as exc:  # keep cancelling the others
            echo(f"tierform ci {CHECK}: could not cancel run {run.run_id} ({run.job}): {exc}")
    return cancelled


def _task_result(task: dict[str, Any]) -> str:
    state = task.get("state") or {}
    return str(state.get("result_state") or state.get("life_cycle_state") or "PENDING")


def _outcome(runs, skipped, source, cancelled, limit) -> CheckOutcome:
    ref = (source.get("git_commit") or source.get("git_branch") or "")[:12]
    rows = ["| job | task | result | run |", "|---|---|---|---|"]
    annotations: list[Annotation] = []
    for run in runs:
        for task in run.tasks or [{"task_key": "-", "state": run.state}]:
            key, result = str(task.get("task_key")), _task_result(task)
            url = task.get("run_page_url") or run.url
            link = f"[run {run.run_id}]({url})" if url else f"run {run.run_id}"
            rows.append(f"| {cell(run.job)} | {cell(key)} | {cell(result)} | {link} |")
            if result == "SUCCESS" or (run.passed and result in ("PENDING", "RUNNING")):
                continue
            files = run.files.get(key) or [f for fs in run.files.values() for f in fs]
            message = (task.get("state") or {}).get("state_message") or ""
            annotations.append(
                Annotation(
                    files[0] if files else ".",
                    None,
                    f"Databricks run of {run.job} from {ref}: task {key} {result}"
                    + (f": {message}" if message else "")
                    + (f" ({url})" if url else ""),
                )
            )
    lines = [f"One-time runs from {code(ref)} (`runs/submit`, the tier's job cluster policy):"]
    lines += ["", *rows]
    if skipped:
        lines += ["", _skipped_markdown(skipped)]
    failed = [r for r in runs if not r.passed]
    if cancelled:
        lines += ["", f"Stopped at the {limit // 60} min limit (`ci.databricks_run_minutes`)."]
        summary = f"timed out after {limit // 60} min: cancelled {', '.join(cancelled)}"
    elif failed:
        parts = []
        for run in failed:
            bad = [str(t.get("task_key")) for t in run.tasks if _task_result(t) != "SUCCESS"]
            parts.append(f"{run.job} ({', '.join(bad) or run.state.get('result_state')})")
        summary = "failed: " + "; ".join(parts)
    else:
        summary = f"{len(runs)} run(s) passed from {ref}"
    if skipped:
        summary += f"; skipped {', '.join(skipped)} (ci: false)"
    status = "fail" if cancelled or failed else "pass"
    return CheckOutcome(CHECK, status, summary, "\n".join(lines), tuple(annotations))


def _skipped_markdown(skipped: list[str]) -> str:
    if not skipped:
        return "No Databricks job runs code this PR changes."
    return "Not run (`ci: false`): " + ", ".join(code(s) for s in skipped)
