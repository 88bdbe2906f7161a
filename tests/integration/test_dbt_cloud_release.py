"""The dbt release step of a tier whose runner is dbt Cloud, run as Terraform runs it
(`python -m tierform.release dbt --tier staging`, a subprocess), from the configuration a
user writes: a copy of the example with its commented dbt Cloud variant uncommented
(platform.yaml `release.dbt.cloud`, tiers/staging.yaml `release.dbt.runner: dbt_cloud`),
the account's URL pointed at a local stand-in for dbt Cloud's API
(tests/support_dbt_cloud.py, over TLS: dbt Cloud cannot run here) and staging's ledger in
a local folder (its S3 bucket is not reachable here). staging is made a data CI target
for the `ci run` test, so the stack would give it a CI job."""

from __future__ import annotations

import dataclasses
import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from release_support import RepoCopy, make_repo_copy
from support_dbt_cloud import (
    ACCOUNT,
    PROJECT,
    STAGING,
    TOKEN,
    FakeDbtCloud,
    JobScript,
    example_staging_on_dbt_cloud,
    manifest,
    snowflake_credential,
)
from support_dbt_cloud import run_results as results

from tierform.config.dbt_cloud_step import (
    CI_JOB_ENV,
    CREDENTIAL_ENV,
    DEPLOY_JOB_ENV,
    ENVIRONMENT_ENV,
)

pytestmark = pytest.mark.integration

TIER = STAGING
SHA = "0123456789abcdef0123456789abcdef01234567"
DEPLOY, CI, CREDENTIAL = 41, 42, 44
# The DBT service user's key, as the variant's comment in tiers/staging.yaml says.
SECRET_ENV = "SNOWFLAKE_DBT_PRIVATE_KEY"
PASSPHRASE_ENV = "SNOWFLAKE_DBT_PRIVATE_KEY_PASSPHRASE"
KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCfakefakefake\n-----END PRIVATE KEY-----"
ARTIFACTS = {
    "manifest.json": manifest(("model.northwind.fct_orders", "models/marts/fct_orders.sql")),
    "run_results.json": results(("model.northwind.fct_orders", "success", "OK")),
}


@pytest.fixture
def cloud():
    with FakeDbtCloud(tls=True) as fake:
        fake.credentials[CREDENTIAL] = snowflake_credential(CREDENTIAL)
        yield fake


@pytest.fixture
def repo(tmp_path: Path, cloud: FakeDbtCloud) -> RepoCopy:
    copy = make_repo_copy(tmp_path)
    example_staging_on_dbt_cloud(copy.root / "config", cloud.url)
    return copy


def ledger_dir(repo: RepoCopy) -> Path:
    return repo.root / ".tierform" / "ledger" / TIER


def target(repo: RepoCopy) -> str:
    from tierform.config import load_platform

    platform = load_platform(repo.root / "config")
    return platform.dbt_step(platform.tier(TIER)).target


def env(cloud: FakeDbtCloud, **extra: str) -> dict[str, str]:
    base = {
        "SSL_CERT_FILE": str(cloud.cert_file),
        "DBT_CLOUD_TOKEN": TOKEN,
        SECRET_ENV: KEY,
        "GITHUB_SHA": SHA,
        DEPLOY_JOB_ENV: str(DEPLOY),
        CI_JOB_ENV: str(CI),
        ENVIRONMENT_ENV: "43",
        CREDENTIAL_ENV: str(CREDENTIAL),
        "TIERFORM_TIERS": TIER,
    }
    return {**base, **extra}


def python(repo: RepoCopy) -> str:
    return str(repo.root / ".venv" / "bin" / "python")


def release(repo: RepoCopy, cloud: FakeDbtCloud, **extra: str) -> subprocess.CompletedProcess:
    return repo.run(
        python(repo), "-m", "tierform.release", "dbt", "--tier", TIER, **env(cloud, **extra)
    )


def release_without(repo: RepoCopy, cloud: FakeDbtCloud, name: str) -> subprocess.CompletedProcess:
    environment = repo.env(**{k: v for k, v in env(cloud).items() if k != name})
    environment.pop(name, None)
    return subprocess.run(
        [python(repo), "-m", "tierform.release", "dbt", "--tier", TIER],
        cwd=repo.root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def without(environment: dict[str, str], *names: str) -> dict[str, str]:
    return {k: v for k, v in environment.items() if k not in names}


def ledger_json(repo: RepoCopy, key: str) -> dict | None:
    path = ledger_dir(repo) / key
    return json.loads(path.read_text()) if path.is_file() else None


def everything_written(repo: RepoCopy) -> str:
    return "".join(p.read_text() for p in ledger_dir(repo).rglob("*.json"))


def test_a_successful_run_is_recorded_with_its_manifest(repo: RepoCopy, cloud: FakeDbtCloud):
    cloud.jobs[DEPLOY] = JobScript([1, 3, 10], ARTIFACTS)
    result = release(repo, cloud)
    assert result.returncode == 0, result.stdout + result.stderr
    (trigger,) = cloud.seen("POST", rf"/jobs/{DEPLOY}/run/$")
    assert trigger.authorization == f"Token {TOKEN}"
    assert trigger.body["git_sha"] == SHA and TIER in trigger.body["cause"]
    (run_id,) = cloud.runs
    assert f"run {run_id}: Running" in result.stdout  # status streamed
    dbt = f"dbt/{target(repo)}"
    run = f"{dbt}/runs/dbt-cloud-{run_id}"
    assert (ledger_dir(repo) / run / "manifest.json").read_bytes() == ARTIFACTS["manifest.json"]
    record = ledger_json(repo, f"{run}/release.json")
    assert record["runner"] == "dbt_cloud" and record["success"] is True
    assert record["git_sha"] == SHA and record["counts"] == {"success": 1}
    assert record["dbt_cloud"]["run_id"] == run_id
    assert record["dbt_cloud"]["url"].endswith(f"/runs/{run_id}/")
    # What slim CI defers to and `status` reads: the same pointers as a dbt-core build.
    assert ledger_json(repo, f"{dbt}/last-success.json")["run_id"] == f"dbt-cloud-{run_id}"
    jobs = ledger_json(repo, f"{dbt}/dbt-cloud.json")
    assert (jobs["deploy_job_id"], jobs["ci_job_id"], jobs["environment_id"]) == (DEPLOY, CI, 43)
    assert TOKEN not in result.stdout + result.stderr + everything_written(repo)
    status = repo.release_cli("status", "--tier", TIER, **env(cloud))
    assert "last build passed" in status.stdout, status.stdout + status.stderr


def test_the_credential_secret_is_set_before_the_run_and_only_there(
    repo: RepoCopy, cloud: FakeDbtCloud
):
    cloud.jobs[DEPLOY] = JobScript([10], ARTIFACTS)
    result = release(repo, cloud, **{PASSPHRASE_ENV: "pass-phrase-1234"})
    assert result.returncode == 0, result.stdout + result.stderr
    path = rf"/api/v3/accounts/{ACCOUNT}/projects/{PROJECT}/credentials/{CREDENTIAL}/$"
    read, update = cloud.seen("GET", path), cloud.seen("POST", path)
    assert len(read) == 1 and len(update) == 1
    # the whole credential as read, with the key (and passphrase) put in, as the provider does
    assert update[0].body == {
        **snowflake_credential(CREDENTIAL),
        "private_key": KEY,
        "private_key_passphrase": "pass-phrase-1234",
    }
    assert cloud.credentials[CREDENTIAL]["private_key"] == KEY
    order = [r.path for r in cloud.requests if r.method == "POST"]
    assert order.index(update[0].path) < order.index(
        f"/api/v2/accounts/{ACCOUNT}/jobs/{DEPLOY}/run/"
    )
    # the secret travels in that body only: no other request, output or record has it
    others = [r for r in cloud.requests if r is not update[0]]
    assert not any(KEY in json.dumps(r.body) or "pass-phrase" in json.dumps(r.body) for r in others)
    said = result.stdout + result.stderr
    assert f"credential {CREDENTIAL}: private_key set from ${SECRET_ENV}" in said
    for piece in ("BEGIN PRIVATE KEY", "fakefake", "pass-phrase"):
        assert piece not in said and piece not in everything_written(repo)


def test_a_missing_secret_names_its_variable_before_anything_runs(
    repo: RepoCopy, cloud: FakeDbtCloud
):
    cloud.jobs[DEPLOY] = JobScript()
    result = release_without(repo, cloud, SECRET_ENV)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"export {SECRET_ENV}" in result.stderr and "Traceback" not in result.stderr
    assert not cloud.requests  # nothing set, nothing triggered
    assert not ledger_dir(repo).exists() or not any(ledger_dir(repo).rglob("*.json"))


def test_no_credential_id_is_exit_2(repo: RepoCopy, cloud: FakeDbtCloud):
    result = release_without(repo, cloud, CREDENTIAL_ENV)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"${CREDENTIAL_ENV} is not set" in result.stderr
    assert not cloud.requests


def test_a_refused_secret_is_one_line_and_nothing_runs(repo: RepoCopy, cloud: FakeDbtCloud):
    cloud.jobs[DEPLOY] = JobScript()
    del cloud.credentials[CREDENTIAL]  # a credential id dbt Cloud does not know
    result = release(repo, cloud)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "HTTP 404): Credential not found." in result.stderr
    assert "Traceback" not in result.stderr and "BEGIN PRIVATE KEY" not in result.stderr
    assert not cloud.runs


def test_a_failed_run_fails_the_step_and_names_the_failing_node(
    repo: RepoCopy, cloud: FakeDbtCloud
):
    failed = {
        "manifest.json": ARTIFACTS["manifest.json"],
        "run_results.json": results(("model.northwind.fct_orders", "error", "Division by zero")),
    }
    cloud.jobs[DEPLOY] = JobScript([3, 20], failed, status_message="1 error in dbt build")
    result = release(repo, cloud)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "model.northwind.fct_orders (models/marts/fct_orders.sql): Division by zero" in (
        result.stdout
    )
    assert "1 error in dbt build" in result.stderr
    last = ledger_json(repo, f"dbt/{target(repo)}/last.json")
    assert last["success"] is False and last["failures"][0]["status"] == "error"
    assert ledger_json(repo, f"dbt/{target(repo)}/last-success.json") is None


def test_a_run_past_the_time_limit_is_cancelled(repo: RepoCopy, cloud: FakeDbtCloud, monkeypatch):
    """In process, the tier's resolved step with a 1 s limit: config allows 60 s at least."""
    from tierform.dbt_cloud.release_step import release_dbt_cloud
    from tierform.release.context import load_context
    from tierform.release.dbt_build import dbt_step
    from tierform.release.report import Reporter

    for name, value in env(cloud).items():
        monkeypatch.setenv(name, value)
    cloud.jobs[DEPLOY] = JobScript([1, 3])  # never completes
    ctx = load_context(TIER, repo.root)
    step = dbt_step(ctx)
    fast = dataclasses.replace(step.cloud, timeout_seconds=1, poll_seconds=0.05)
    assert not release_dbt_cloud(ctx, Reporter("dbt", TIER), dataclasses.replace(step, cloud=fast))
    (run_id,) = cloud.runs
    assert cloud.seen("POST", rf"/runs/{run_id}/cancel/$")
    last = ledger_json(repo, f"dbt/{step.target}/last.json")
    assert "timed out" in last["error"] and last["dbt_cloud"]["status"] == "Cancelled"


def test_sigterm_cancels_the_run(repo: RepoCopy, cloud: FakeDbtCloud):
    cloud.jobs[DEPLOY] = JobScript([3])  # runs until cancelled
    process = subprocess.Popen(
        [python(repo), "-m", "tierform.release", "dbt", "--tier", TIER],
        cwd=repo.root,
        env=repo.env(**env(cloud)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert cloud.run_polled.wait(60), "the step never polled its run"
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1, stdout + stderr
    (run_id,) = cloud.runs
    assert cloud.seen("POST", rf"/runs/{run_id}/cancel/$")
    assert "SIGTERM received: cancelling run" in stdout
    assert "Traceback" not in stderr
    assert ledger_json(repo, f"dbt/{target(repo)}/last.json")["dbt_cloud"]["ended_by"] == "SIGTERM"
    # The lease is released: the next release of the tier is not locked out.
    assert not list(ledger_dir(repo).glob("lock*")), list(ledger_dir(repo).iterdir())


def test_a_refused_token_is_one_line_exit_2(repo: RepoCopy, cloud: FakeDbtCloud):
    cloud.jobs[DEPLOY] = JobScript()
    wrong = "dbtc_wrong-token-abcdef"
    result = release(repo, cloud, DBT_CLOUD_TOKEN=wrong)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "refused the token in $DBT_CLOUD_TOKEN (HTTP 401): Invalid token." in result.stderr
    assert "Traceback" not in result.stderr
    assert wrong not in result.stdout + result.stderr
    assert not cloud.runs


def test_a_missing_token_names_the_variable_before_anything_runs(
    repo: RepoCopy, cloud: FakeDbtCloud
):
    cloud.jobs[DEPLOY] = JobScript()
    result = release_without(repo, cloud, "DBT_CLOUD_TOKEN")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "export DBT_CLOUD_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr
    assert not cloud.requests  # refused before dbt Cloud (or the ledger) was touched
    assert not ledger_dir(repo).exists() or not any(ledger_dir(repo).rglob("*.json"))


def test_no_deploy_job_id_is_exit_2(repo: RepoCopy, cloud: FakeDbtCloud):
    result = release_without(repo, cloud, DEPLOY_JOB_ENV)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"${DEPLOY_JOB_ENV} is not set" in result.stderr
    assert not cloud.requests


def _release_stack(repo: RepoCopy, marker: Path) -> Path:
    """The two release steps wired as the tier's stack wires them (terraform_data with
    local-exec, the DAG step depending on the dbt step, the dbt Cloud ids from the step's
    environment block), in a small stack of their own: the synthesized staging stack also
    holds dbtcloud_* (and Snowflake, Databricks, AWS) resources, and the dbtcloud provider
    is not in this machine's mirror, so it cannot be applied here
    (test_the_synthesized_stack_cannot_be_applied_here)."""
    stack = repo.root / "cdktf.out" / "stacks" / TIER
    stack.mkdir(parents=True)
    dbt_step = {
        "triggers_replace": {"commit": SHA},
        "provisioner": [
            {
                "local-exec": {
                    "command": f'cd "{repo.root}" && exec "{python(repo)}" -m tierform.release '
                    f"dbt --tier {TIER}",
                    "environment": {DEPLOY_JOB_ENV: str(DEPLOY), CREDENTIAL_ENV: str(CREDENTIAL)},
                }
            }
        ],
    }
    dags_step = {
        "depends_on": ["terraform_data.release_dbt"],
        "provisioner": [{"local-exec": {"command": f'touch "{marker}"'}}],
    }
    doc = {
        "terraform": {"required_version": ">= 1.5"},
        "resource": {"terraform_data": {"release_dbt": dbt_step, "release_dags": dags_step}},
    }
    (stack / "cdk.tf.json").write_text(json.dumps(doc, indent=2))
    return stack


def test_a_failed_run_fails_the_apply_and_the_dag_step_does_not_run(
    repo: RepoCopy, cloud: FakeDbtCloud
):
    cloud.jobs[DEPLOY] = JobScript([3, 20], status_message="compilation error")
    marker = repo.root / "dags-released"
    stack = _release_stack(repo, marker)
    environment = without(env(cloud), DEPLOY_JOB_ENV, CREDENTIAL_ENV)  # the stack sets them
    init = repo.run("terraform", "init", "-input=false", "-no-color", cwd=stack, **environment)
    assert init.returncode == 0, init.stderr
    apply = repo.run(
        "terraform", "apply", "-input=false", "-no-color", "-auto-approve", cwd=stack, **environment
    )
    assert apply.returncode == 1, apply.stdout + apply.stderr
    assert "compilation error" in apply.stdout + apply.stderr
    assert cloud.seen("POST", rf"/jobs/{DEPLOY}/run/$")
    assert cloud.seen("POST", rf"/credentials/{CREDENTIAL}/$")
    assert not marker.exists()  # the DAG release never ran
    assert "BEGIN PRIVATE KEY" not in apply.stdout + apply.stderr
    # Fixed in dbt Cloud, the next apply re-runs the (tainted) dbt step, then the DAGs.
    cloud.jobs[DEPLOY] = JobScript([10], ARTIFACTS)
    again = repo.run(
        "terraform", "apply", "-input=false", "-no-color", "-auto-approve", cwd=stack, **environment
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert marker.exists()
    state = (stack / "terraform.tfstate").read_text()
    assert "BEGIN PRIVATE KEY" not in state and TOKEN not in state


def test_the_synthesized_stack_cannot_be_applied_here(repo: RepoCopy):
    """Why the apply tests use a small stack: staging's synthesized stack needs the
    dbt-labs/dbtcloud provider, which this machine's filesystem mirror does not hold."""
    synth = repo.run(python(repo), "main.py", TIERFORM_TIERS=TIER)
    assert synth.returncode == 0, synth.stderr
    stack = repo.root / "cdktf.out" / "stacks" / TIER
    doc = json.loads((stack / "cdk.tf.json").read_text())
    assert doc["terraform"]["required_providers"]["dbtcloud"]["source"] == "dbt-labs/dbtcloud"
    doc["terraform"].pop("backend", None)
    (stack / "cdk.tf.json").write_text(json.dumps(doc))
    init = repo.run("terraform", "init", "-backend=false", "-input=false", "-no-color", cwd=stack)
    assert init.returncode != 0
    assert "dbt-labs/dbtcloud" in init.stdout + init.stderr


def test_status_and_rollback_say_dbt_cloud_builds_the_tier(repo: RepoCopy, cloud: FakeDbtCloud):
    status = repo.release_cli("status", "--tier", TIER, **env(cloud))
    assert "publish: by the tier's dbt Cloud deploy job" in status.stdout, status.stderr
    back = repo.release_cli("rollback", "--tier", TIER, "--step", "dbt", **env(cloud))
    assert back.returncode == 1 and "no previous version to swap back to" in back.stderr


def test_ci_run_finds_the_ci_job_the_release_recorded(repo: RepoCopy, cloud: FakeDbtCloud):
    """`tierform ci run` end to end (lint and DAG checks real, the dbt check on dbt Cloud) in
    a PR job, where no Terraform output is at hand: the CI job id comes from what the
    tier's last release recorded in its ledger. The CI run's failure fails the command."""
    cloud.jobs[DEPLOY] = JobScript([10], ARTIFACTS)
    deployed = release(repo, cloud)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    failed = results(("model.northwind.fct_orders", "error", "Division by zero"))
    cloud.jobs[CI] = JobScript([3, 20], {"run_results.json": failed})
    args = ["ci", "run", "--tier", TIER, "--pr", "7", "--all", "--results", "ci-results"]
    pr_job = without(env(cloud), CI_JOB_ENV, DEPLOY_JOB_ENV, CREDENTIAL_ENV, SECRET_ENV)
    ran = repo.run(python(repo), "-m", "tierform", *args, TIERFORM_STATUS_SHA=SHA, **pr_job)
    assert ran.returncode == 1, ran.stdout + ran.stderr
    (trigger,) = cloud.seen("POST", rf"/jobs/{CI}/run/$")
    assert trigger.body["github_pull_request_id"] == 7 and trigger.body["git_sha"] == SHA
    data = json.loads((repo.root / "ci-results" / f"{TIER}.json").read_text())
    outcomes = {o["check"]: o for o in data["outcomes"]}
    ci_run = max(cloud.runs)
    assert outcomes["dbt"]["status"] == "fail"
    assert f"/runs/{ci_run}/" in outcomes["dbt"]["markdown"]
    # the CI job runs with the credential the release set: ci run never touches it
    assert len(cloud.seen("POST", r"/credentials/")) == 1


def test_an_interrupted_apply_still_cancels_the_run(repo: RepoCopy, cloud: FakeDbtCloud):
    """Terraform kills an interrupted local-exec step outright (SIGKILL, no handler runs):
    the step's guardian process (tierform/dbt_cloud/guardian.py) cancels the run."""
    cloud.jobs[DEPLOY] = JobScript([3])  # runs until cancelled
    stack = _release_stack(repo, repo.root / "dags-released")
    environment = without(env(cloud), DEPLOY_JOB_ENV, CREDENTIAL_ENV)
    init = repo.run("terraform", "init", "-input=false", "-no-color", cwd=stack, **environment)
    assert init.returncode == 0, init.stderr
    apply = subprocess.Popen(
        ["terraform", "apply", "-input=false", "-no-color", "-auto-approve"],
        cwd=stack,
        env=repo.env(**environment),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert cloud.run_polled.wait(60), "the step never polled its run"
        apply.send_signal(signal.SIGINT)  # as a Ctrl-C or a cancelled deploy job
        stdout, stderr = apply.communicate(timeout=120)
    finally:
        if apply.poll() is None:
            apply.kill()
    assert apply.returncode != 0, stdout + stderr
    (run_id,) = cloud.runs
    for _ in range(300):  # the guardian needs its Python start-up (a deadline, not a timing)
        if cloud.seen("POST", rf"/runs/{run_id}/cancel/$"):
            break
        time.sleep(0.1)
    assert cloud.seen("POST", rf"/runs/{run_id}/cancel/$"), stdout + stderr
