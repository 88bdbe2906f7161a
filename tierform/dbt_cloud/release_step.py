"""`tierform.release dbt` on a tier whose dbt runner is dbt Cloud: set the secret of the
tier's credential (tierform/dbt_cloud/credential.py), trigger the tier's deploy job for the commit being deployed, stream its status, cancel it past the time limit
or when the step is stopped, and record the run in the tier's ledger exactly where a
dbt-core build goes (tierform/ledger/dbt_records.py), so last-success, slim CI's deferral,
`status` and the PR comment read it the same way. False (exit 1) unless the run succeeded:
the apply fails and the DAG release, which depends on this step, does not run."""

from __future__ import annotations

import os

from tierform.config.dbt_cloud_step import DbtCloudStep
from tierform.config.release import DbtStep
from tierform.dbt_cloud import artifacts, jobs
from tierform.dbt_cloud.api import DbtCloudClient, token_from
from tierform.dbt_cloud.credential import credential_secret, set_secret
from tierform.dbt_cloud.errors import DbtCloudInputError
from tierform.dbt_cloud.guardian import guarded
from tierform.dbt_cloud.watch import Waited, wait_for_run
from tierform.ledger import dbt_records
from tierform.release.content import content_sha256
from tierform.release.context import ReleaseContext
from tierform.release.records import git_sha, now
from tierform.release.report import Reporter

RUNNER = "dbt_cloud"


def cloud_settings(step: DbtStep) -> DbtCloudStep:
    if step.cloud is None:
        raise DbtCloudInputError(
            "release.dbt.runner is dbt_cloud but no dbt Cloud settings resolved"
        )
    return step.cloud


def precheck(step: DbtStep) -> None:
    """What must hold before the tier's lock is taken: a token, the deploy job's id, and the
    credential's id and secret."""
    cloud = cloud_settings(step)
    token_from(cloud)
    jobs.deploy_job_id()
    credential_secret(cloud)


def release_commit(ctx: ReleaseContext) -> str:
    """The commit dbt Cloud checks out: the CI job's ($GITHUB_SHA) or the checkout's HEAD."""
    sha = os.environ.get("GITHUB_SHA") or git_sha(ctx.root)
    if not sha:
        raise DbtCloudInputError(
            "no commit to run: dbt Cloud runs a pushed commit, and this is neither a git "
            "checkout nor a job with $GITHUB_SHA"
        )
    return sha


def release_dbt_cloud(
    ctx: ReleaseContext, report: Reporter, step: DbtStep, client: DbtCloudClient | None = None
) -> bool:
    cloud = cloud_settings(step)
    client = client or DbtCloudClient.for_step(cloud)
    job_id = jobs.deploy_job_id()
    secret = credential_secret(cloud)
    sha = release_commit(ctx)
    jobs.record_jobs(ctx.ledger, step.target)  # `ci run` finds the CI job id here
    if secret is not None:
        # dbt Cloud cannot say whether the secret changed: it is set on every release.
        set_secret(client, cloud, secret)
        report.info(
            f"dbt Cloud credential {secret.credential_id}: {cloud.secret_attribute} set from "
            f"${cloud.secret_env}"
            + (f" (with ${cloud.secret_passphrase_env})" if secret.passphrase else "")
        )
    run = client.trigger_run(
        job_id, {"cause": f"Tierform release of tier {ctx.tier.name}", "git_sha": sha}
    )
    report.info(
        f"dbt Cloud deploy job {job_id}: run {run.id} of commit {sha[:10]} — {run.href or '?'}"
    )
    with guarded(cloud, run.id):  # cancels the run if this process is killed
        waited = wait_for_run(
            client,
            run,
            poll_seconds=cloud.poll_seconds,
            timeout_seconds=cloud.timeout_seconds,
            say=report.info,
        )
    return _record(ctx, report, step, job_id, sha, waited, client)


def _record(ctx, report, step, job_id, sha, waited: Waited, client) -> bool:
    run = waited.run
    # Stopped by a signal, the step has seconds left: no artifact downloads then.
    found, unread = (
        ({}, None) if waited.ended_by.startswith("SIG") else artifacts.fetch(client, run.id)
    )
    counts, failures = artifacts.summarize(found)
    success = run.is_success and not waited.cancelled_by_us
    error = None
    if waited.ended_by == "timeout":
        limit = step.cloud.timeout_seconds
        error = f"timed out after {waited.seconds:.0f} s (limit {limit} s): run cancelled"
    elif waited.cancelled_by_us:
        error = f"stopped by {waited.ended_by}: run cancelled"
    elif not success:
        error = run.status_message or f"the run ended {run.name}"
    project = ctx.path(step.project_dir)
    record = {
        "tier": ctx.tier.name,
        "target": step.target,
        "runner": RUNNER,
        "content_sha256": content_sha256(project) if project.is_dir() else "",
        "git_sha": sha,
        "finished_at": now(),
        "success": success,
        "counts": counts,
        "failures": failures,
        "error": error,
        "publish": {"mode": RUNNER},
        "dbt_cloud": {
            "run_id": run.id,
            "job_id": job_id,
            "url": run.href,
            "status": run.name,
            "ended_by": waited.ended_by,
        },
    }
    run_id = f"dbt-cloud-{run.id}"
    dbt_records.record_run(ctx.ledger, step.target, run_id, found, record)
    where = ctx.ledger.url(f"dbt/{step.target}/runs/{run_id}")
    tally = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no run results"
    if unread:
        report.info(f"artifacts not read: {unread}")
    if success:
        if "manifest.json" not in found:
            report.info(
                f"run {run.id} has no manifest.json: slim CI keeps deferring to the last one"
            )
        report.ok(f"dbt Cloud run {run.id} passed ({tally}); recorded in {where}")
        return True
    report.fail(f"dbt Cloud run {run.id} {run.name.lower()} ({tally}): {error} — {run.href}")
    for failure in failures:
        place = f" ({failure['file']})" if failure["file"] else ""
        report.detail(f"{failure['status']}: {failure['node']}{place}: {failure['message']}")
    return False
