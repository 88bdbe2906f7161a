"""The dbt check of `tierform ci run` on a tier whose dbt runner is dbt Cloud: instead of
a local slim build, trigger the tier's dbt Cloud CI job for the pull request (its head
commit, the PR number, a schema of the PR's own), wait within the tier's time limit, and
report the run's result and page as the check's outcome. dbt Cloud's CI job defers to the
tier's deploy job itself, and drops the PR's schema when the PR closes."""

from __future__ import annotations

from tierform.ci.pr_head import HEAD_SHA_ENV, pr_head_commit
from tierform.ci.result import Annotation, CheckOutcome
from tierform.config.dbt_cloud_step import CI_JOB_ENV
from tierform.config.release import DbtStep
from tierform.dbt_cloud import artifacts, jobs
from tierform.dbt_cloud.api import DbtCloudClient
from tierform.dbt_cloud.errors import DbtCloudInputError
from tierform.dbt_cloud.guardian import guarded
from tierform.dbt_cloud.release_step import cloud_settings
from tierform.dbt_cloud.watch import wait_for_run
from tierform.gitops.markdown import cell, code
from tierform.release.context import ReleaseContext

CHECK = "dbt"


def schema_override(job_id: int, pr: int) -> str:
    """The schema the CI run builds into: the same shape dbt Cloud gives its own PR runs."""
    return f"dbt_cloud_pr_{job_id}_{pr}"


def head_commit(ctx: ReleaseContext) -> str:
    sha = pr_head_commit(ctx.root)
    if not sha:
        raise DbtCloudInputError(
            f"no pull request commit for the dbt Cloud CI job: set ${HEAD_SHA_ENV} to the PR's "
            "head commit (or run in a git checkout of it)"
        )
    return sha


def run_ci_job(
    ctx: ReleaseContext, pr: int, step: DbtStep, client: DbtCloudClient | None = None
) -> CheckOutcome:
    cloud = cloud_settings(step)
    if not cloud.ci_job:
        text = f"tier {ctx.tier.name!r} has no dbt Cloud CI job (its dbt Cloud ci_job is off)"
        return CheckOutcome(CHECK, "skip", text, text)
    job_id, source = jobs.ci_job_id(ctx.ledger, step.target)
    if job_id is None:
        raise DbtCloudInputError(
            f"tier {ctx.tier.name!r}: no dbt Cloud CI job id in {source} — the tier's release "
            f"records it when the tier is deployed (or set ${CI_JOB_ENV})"
        )
    client = client or DbtCloudClient.for_step(cloud)
    sha = head_commit(ctx)
    schema = schema_override(job_id, pr)
    body = {
        "cause": f"Tierform data CI of pull request #{pr}",
        "git_sha": sha,
        "github_pull_request_id": pr,
        "schema_override": schema,
    }
    run = client.trigger_run(job_id, body)
    print(f"tierform ci [{ctx.tier.name}] dbt Cloud CI job {job_id}: run {run.id} — {run.href}")
    with guarded(cloud, run.id):  # cancels the run if this process is killed
        waited = wait_for_run(
            client,
            run,
            poll_seconds=cloud.poll_seconds,
            timeout_seconds=cloud.timeout_seconds,
            say=lambda line: print(f"tierform ci [{ctx.tier.name}] {line}", flush=True),
        )
    run = waited.run
    found, _ = ({}, None) if waited.ended_by.startswith("SIG") else artifacts.fetch(client, run.id)
    counts, failures = artifacts.summarize(found)
    tally = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no run results"
    if waited.ended_by == "timeout":
        verdict = f"timed out after {cloud.timeout_seconds} s, cancelled"
    elif waited.cancelled_by_us:
        verdict = f"cancelled ({waited.ended_by})"
    else:
        verdict = run.name
    passed = run.is_success and not waited.cancelled_by_us
    summary = f"dbt Cloud CI run {run.id}: {verdict} ({tally})"
    lines = [
        f"- dbt Cloud CI job {job_id}, run [{run.id}]({run.href}): **{verdict}**",
        f"- commit {code(sha[:12])}, schema {code(schema)}",
        f"- {tally}",
    ]
    if run.status_message and not passed:
        lines.append(f"- dbt Cloud: {cell(run.status_message[:300])}")
    notes = []
    if failures:
        lines += ["", "| failed | file | message |", "|---|---|---|"]
        for f in failures:
            lines.append(f"| {code(f['node'])} | {code(f['file'])} | {cell(f['message'][:300])} |")
            path = f"{step.project_dir}/{f['file']}" if f["file"] else step.project_dir
            notes.append(Annotation(path, None, f"{f['status']}: {f['node']}: {f['message']}"))
    status = "pass" if passed else "fail"
    return CheckOutcome(CHECK, status, summary, "\n".join(lines), tuple(notes))
