"""`tierform ci run`'s dbt check on a tier whose dbt runner is dbt Cloud, and the API client's
error handling, in-process against a local stand-in for dbt Cloud's API
(tests/support_dbt_cloud.py, over TLS: dbt Cloud cannot run here). The tier is the
example's staging with its commented dbt Cloud variant uncommented, made a data CI target
(ci.targets), its account URL pointed at the stand-in and its ledger in a local folder."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
from pathlib import Path

import pytest
from support import copy_config
from support_dbt_cloud import (
    ACCOUNT,
    PROJECT,
    STAGING,
    TOKEN,
    FakeDbtCloud,
    JobScript,
    databricks_credential,
    example_staging_on_dbt_cloud,
    manifest,
)
from support_dbt_cloud import run_results as results

from tierform.ci.checks import CiRun, dbt_build
from tierform.config.dbt_cloud_step import CI_JOB_ENV, CREDENTIAL_ENV, DbtCloudStep
from tierform.dbt_cloud import jobs
from tierform.dbt_cloud.api import DbtCloudClient
from tierform.dbt_cloud.ci_job import run_ci_job
from tierform.dbt_cloud.credential import credential_secret, set_secret
from tierform.dbt_cloud.errors import DbtCloudError, DbtCloudInputError
from tierform.release.context import load_context
from tierform.release.dbt_build import dbt_step

pytestmark = pytest.mark.integration

TIER = STAGING
HEAD = "fedcba9876543210fedcba9876543210fedcba98"
CI = 42


@pytest.fixture
def cloud(monkeypatch):
    with FakeDbtCloud(tls=True) as fake:
        monkeypatch.setenv("SSL_CERT_FILE", str(fake.cert_file))
        yield fake


@pytest.fixture
def root(tmp_path: Path, monkeypatch, cloud: FakeDbtCloud) -> Path:
    example_staging_on_dbt_cloud(copy_config(tmp_path), cloud.url)
    monkeypatch.setenv("DBT_CLOUD_TOKEN", TOKEN)
    monkeypatch.delenv(CI_JOB_ENV, raising=False)
    return tmp_path


@pytest.fixture
def ctx(root: Path, monkeypatch):
    monkeypatch.setenv("TIERFORM_STATUS_SHA", HEAD)
    context = load_context(TIER, root)
    # What the tier's last release recorded (tierform/dbt_cloud/jobs.py).
    jobs.record_jobs(context.ledger, dbt_step(context).target, {CI_JOB_ENV: str(CI)})
    return context


def _with_cloud(ctx, **settings):
    """The tier's resolved step with some dbt Cloud settings changed (limits below what
    config accepts, or no CI job)."""
    step = dbt_step(ctx)
    return dataclasses.replace(step, cloud=dataclasses.replace(step.cloud, **settings))


def test_the_ci_job_runs_for_the_pull_request(ctx, cloud: FakeDbtCloud):
    done = {
        "manifest.json": manifest(("model.northwind.fct_orders", "models/marts/fct_orders.sql")),
        "run_results.json": results(("model.northwind.fct_orders", "success", "OK")),
    }
    cloud.jobs[CI] = JobScript([1, 3, 10], done)
    outcome = dbt_build(CiRun(ctx, 7, "main"))
    assert outcome.status == "pass", outcome
    (trigger,) = cloud.seen("POST", rf"/jobs/{CI}/run/$")
    assert trigger.authorization == f"Token {TOKEN}"
    assert trigger.body["git_sha"] == HEAD
    assert trigger.body["github_pull_request_id"] == 7
    assert trigger.body["schema_override"] == f"dbt_cloud_pr_{CI}_7"
    (run_id,) = cloud.runs
    assert f"/runs/{run_id}/" in outcome.markdown and "1 success" in outcome.summary


def test_a_failing_ci_run_fails_the_check_with_an_annotation(ctx, cloud: FakeDbtCloud):
    failed = {
        "manifest.json": manifest(("model.northwind.fct_orders", "models/marts/fct_orders.sql")),
        "run_results.json": results(("model.northwind.fct_orders", "fail", "got 3 rows")),
    }
    cloud.jobs[CI] = JobScript([3, 20], failed, status_message="1 failure")
    outcome = dbt_build(CiRun(ctx, 7, "main"))
    assert outcome.status == "fail"
    (note,) = outcome.annotations
    assert note.path == "examples/dbt/models/marts/fct_orders.sql"
    assert "got 3 rows" in note.message and "1 failure" in outcome.markdown


def test_a_ci_run_past_the_time_limit_is_cancelled(ctx, cloud):
    cloud.jobs[CI] = JobScript([1, 3])
    outcome = run_ci_job(ctx, 7, _with_cloud(ctx, timeout_seconds=0, poll_seconds=0.02))
    assert outcome.status == "fail" and "timed out" in outcome.summary
    assert cloud.seen("POST", r"/runs/\d+/cancel/$")


def test_sigterm_cancels_the_ci_run(ctx, cloud: FakeDbtCloud):
    cloud.jobs[CI] = JobScript([3])
    terminate = threading.Thread(
        target=lambda: cloud.run_polled.wait(30) and os.kill(os.getpid(), signal.SIGTERM)
    )
    terminate.start()
    outcome = dbt_build(CiRun(ctx, 7, "main"))
    terminate.join()
    assert outcome.status == "fail" and "cancelled (SIGTERM)" in outcome.summary
    assert cloud.seen("POST", r"/runs/\d+/cancel/$")
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is restored


def test_a_tier_without_a_ci_job_skips(ctx, cloud):
    assert run_ci_job(ctx, 7, _with_cloud(ctx, ci_job=False)).status == "skip"
    assert not cloud.requests


def test_no_recorded_ci_job_says_where_it_looked(root: Path, cloud):
    with pytest.raises(DbtCloudInputError, match=r"no dbt Cloud CI job id in .*dbt-cloud\.json"):
        dbt_build(CiRun(load_context(TIER, root), 7, "main"))


def _client(cloud: FakeDbtCloud, token: str = TOKEN) -> DbtCloudClient:
    return DbtCloudClient(cloud.url, ACCOUNT, token, retry_base=0, sleep=lambda _s: None)


def test_reads_are_retried_on_429_and_5xx(cloud: FakeDbtCloud):
    cloud.jobs[CI] = JobScript([3])
    run = _client(cloud).trigger_run(CI, {"cause": "test"})
    cloud.fail_next = [429, 502]
    assert _client(cloud).get_run(run.id).name == "Running"
    assert len(cloud.seen("GET", rf"/runs/{run.id}/$")) == 3


def test_a_trigger_is_not_retried_on_500(cloud: FakeDbtCloud):
    """dbt Cloud may have started the run: a retry would start a second one."""
    cloud.jobs[CI] = JobScript()
    cloud.fail_next = [500]
    with pytest.raises(DbtCloudError, match="HTTP 500") as raised:
        _client(cloud).trigger_run(CI, {"cause": "test"})
    assert raised.value.exit_code == 1
    assert len(cloud.seen("POST", r"/run/$")) == 1


def test_a_trigger_refused_with_503_is_retried(cloud: FakeDbtCloud):
    cloud.jobs[CI] = JobScript()
    cloud.fail_next = [503]
    assert _client(cloud).trigger_run(CI, {"cause": "test"}).status == 1
    assert len(cloud.seen("POST", r"/run/$")) == 2


def test_an_unknown_job_is_one_line_exit_2(cloud: FakeDbtCloud):
    with pytest.raises(DbtCloudInputError, match=r"HTTP 404\): Job not found\.$") as raised:
        _client(cloud).trigger_run(999, {"cause": "test"})
    assert raised.value.exit_code == 2


def test_the_token_is_not_in_the_client_repr(cloud: FakeDbtCloud):
    assert TOKEN not in repr(_client(cloud)) and "DBT_CLOUD_TOKEN" in repr(_client(cloud))


def test_a_databricks_token_is_set_in_the_credential_details(cloud: FakeDbtCloud):
    cloud.credentials[61] = databricks_credential(61)
    step = DbtCloudStep(
        ACCOUNT,
        cloud.url,
        PROJECT,
        credential_type="databricks",
        secret_attribute="token",
        secret_env="QA_DBX_TOKEN",
    )
    secret = credential_secret(step, {CREDENTIAL_ENV: "61", "QA_DBX_TOKEN": "dapi-secret-1"})
    set_secret(_client(cloud), step, secret)
    (update,) = cloud.seen(
        "POST", rf"/api/v3/accounts/{ACCOUNT}/projects/{PROJECT}/credentials/61/$"
    )
    assert update.body["credential_details"]["fields"]["token"]["value"] == "dapi-secret-1"
    assert update.body["credential_details"]["fields"]["schema"]["value"] == "qa_curated"
    # dbt Cloud answers without the token, as it does
    assert "dapi-secret-1" not in str(_client(cloud).get_credential(PROJECT, 61))


def test_a_refusal_quoting_the_secret_withholds_the_message(cloud: FakeDbtCloud):
    """dbt Cloud's message is shown on errors; one that quotes the secret is not."""
    key = "-----BEGIN PRIVATE KEY-----\nMIIEsecretsecret\n-----END PRIVATE KEY-----"
    cloud.credentials[62] = {"id": 62, "project_id": PROJECT}
    client = _client(cloud)
    cloud.reject_credential_with = "Invalid private key: MIIEsecretsecret"
    with pytest.raises(DbtCloudError) as raised:
        client.update_credential(PROJECT, 62, {"id": 62, "private_key": key}, secrets=(key,))
    assert "MIIEsecretsecret" not in str(raised.value)
    assert "withheld" in str(raised.value)
