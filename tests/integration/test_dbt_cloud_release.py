"""The dbt release step of a tier whose runner is dbt Cloud, run as Terraform runs it
(`python -m tierform.release dbt --tier local`, a subprocess), against a local stand-in
for dbt Cloud's API (tests/support_dbt_cloud.py: dbt Cloud cannot run here). The tier's
dbt step is switched to the dbt Cloud runner by tests/dbt_cloud_shim.py until the config
side (`release.dbt.runner`) lands."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from release_support import RepoCopy, make_repo_copy
from support import REPO
from support_dbt_cloud import ACCOUNT, PROJECT, TOKEN, FakeDbtCloud, JobScript, manifest
from support_dbt_cloud import run_results as results

from tierform.config.dbt_cloud_step import CI_JOB_ENV, DEPLOY_JOB_ENV, ENVIRONMENT_ENV

pytestmark = pytest.mark.integration

SHIM = REPO / "tests" / "dbt_cloud_shim.py"
SHA = "0123456789abcdef0123456789abcdef01234567"
DEPLOY, CI = 41, 42
ARTIFACTS = {
    "manifest.json": manifest(("model.northwind.fct_orders", "models/marts/fct_orders.sql")),
    "run_results.json": results(("model.northwind.fct_orders", "success", "OK")),
}


@pytest.fixture
def repo(tmp_path: Path) -> RepoCopy:
    return make_repo_copy(tmp_path)


@pytest.fixture
def cloud():
    with FakeDbtCloud() as fake:
        yield fake


def settings(cloud: FakeDbtCloud, **extra) -> str:
    values = {"account_id": ACCOUNT, "host_url": cloud.url, "project_id": PROJECT}
    return json.dumps({"poll_seconds": 0.05, **values, **extra})


def env(cloud: FakeDbtCloud, **extra: str) -> dict[str, str]:
    base = {
        "TIERFORM_TEST_DBT_CLOUD": settings(cloud),
        "DBT_CLOUD_TOKEN": TOKEN,
        "GITHUB_SHA": SHA,
        DEPLOY_JOB_ENV: str(DEPLOY),
        CI_JOB_ENV: str(CI),
        ENVIRONMENT_ENV: "43",
    }
    return {**base, **extra}


def release(repo: RepoCopy, cloud: FakeDbtCloud, **extra: str) -> subprocess.CompletedProcess:
    python = str(repo.root / ".venv" / "bin" / "python")
    return repo.run(python, str(SHIM), "release", "dbt", "--tier", "local", **env(cloud, **extra))


def without(environment: dict[str, str], *names: str) -> dict[str, str]:
    return {k: v for k, v in environment.items() if k not in names}


def ledger_json(repo: RepoCopy, key: str) -> dict | None:
    path = repo.ledger_dir / key
    return json.loads(path.read_text()) if path.is_file() else None


def test_a_successful_run_is_recorded_with_its_manifest(repo: RepoCopy, cloud: FakeDbtCloud):
    cloud.jobs[DEPLOY] = JobScript([1, 3, 10], ARTIFACTS)
    result = release(repo, cloud)
    assert result.returncode == 0, result.stdout + result.stderr
    (trigger,) = cloud.seen("POST", rf"/jobs/{DEPLOY}/run/$")
    assert trigger.authorization == f"Token {TOKEN}"
    assert trigger.body["git_sha"] == SHA and "local" in trigger.body["cause"]
    (run_id,) = cloud.runs
    assert f"run {run_id}: Running" in result.stdout  # status streamed
    run = f"dbt/local/runs/dbt-cloud-{run_id}"
    assert (repo.ledger_dir / run / "manifest.json").read_bytes() == ARTIFACTS["manifest.json"]
    record = ledger_json(repo, f"{run}/release.json")
    assert record["runner"] == "dbt_cloud" and record["success"] is True
    assert record["git_sha"] == SHA and record["counts"] == {"success": 1}
    assert record["dbt_cloud"]["run_id"] == run_id
    assert record["dbt_cloud"]["url"].endswith(f"/runs/{run_id}/")
    # What slim CI defers to and `status` reads: the same pointers as a dbt-core build.
    assert ledger_json(repo, "dbt/local/last-success.json")["run_id"] == f"dbt-cloud-{run_id}"
    jobs = ledger_json(repo, "dbt/local/dbt-cloud.json")
    assert (jobs["deploy_job_id"], jobs["ci_job_id"], jobs["environment_id"]) == (DEPLOY, CI, 43)
    assert TOKEN not in result.stdout + result.stderr
    assert TOKEN not in "".join(p.read_text() for p in repo.ledger_dir.rglob("*.json"))
    status = repo.release_cli("status", "--tier", "local")
    assert "last build passed" in status.stdout, status.stdout + status.stderr


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
    last = ledger_json(repo, "dbt/local/last.json")
    assert last["success"] is False and last["failures"][0]["status"] == "error"
    assert ledger_json(repo, "dbt/local/last-success.json") is None  # nothing to defer to


def test_a_run_past_the_time_limit_is_cancelled(repo: RepoCopy, cloud: FakeDbtCloud):
    cloud.jobs[DEPLOY] = JobScript([1, 3])  # never completes
    limited = settings(cloud, timeout_seconds=1)
    result = release(repo, cloud, TIERFORM_TEST_DBT_CLOUD=limited)
    assert result.returncode == 1, result.stdout + result.stderr
    (run_id,) = cloud.runs
    assert cloud.seen("POST", rf"/runs/{run_id}/cancel/$")
    last = ledger_json(repo, "dbt/local/last.json")
    assert "timed out" in last["error"] and last["dbt_cloud"]["status"] == "Cancelled"
    assert "cancelling it" in result.stdout


def test_sigterm_cancels_the_run(repo: RepoCopy, cloud: FakeDbtCloud):
    cloud.jobs[DEPLOY] = JobScript([3])  # runs until cancelled
    python = str(repo.root / ".venv" / "bin" / "python")
    process = subprocess.Popen(
        [python, str(SHIM), "release", "dbt", "--tier", "local"],
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
    assert ledger_json(repo, "dbt/local/last.json")["dbt_cloud"]["ended_by"] == "SIGTERM"
    # The lease is released: the next release of the tier is not locked out.
    assert not list((repo.ledger_dir).glob("lock*")), list(repo.ledger_dir.iterdir())


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
    python = str(repo.root / ".venv" / "bin" / "python")
    environment = repo.env(**without(env(cloud), "DBT_CLOUD_TOKEN"))
    environment.pop("DBT_CLOUD_TOKEN", None)
    result = subprocess.run(
        [python, str(SHIM), "release", "dbt", "--tier", "local"],
        cwd=repo.root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "export DBT_CLOUD_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr
    assert not cloud.requests  # refused before dbt Cloud (or the ledger) was touched
    assert not repo.ledger_dir.exists() or not any(repo.ledger_dir.rglob("*.json"))


def test_no_deploy_job_id_is_exit_2(repo: RepoCopy, cloud: FakeDbtCloud):
    python = str(repo.root / ".venv" / "bin" / "python")
    environment = repo.env(**without(env(cloud), DEPLOY_JOB_ENV))
    environment.pop(DEPLOY_JOB_ENV, None)
    result = subprocess.run(
        [python, str(SHIM), "release", "dbt", "--tier", "local"],
        cwd=repo.root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"${DEPLOY_JOB_ENV} is not set" in result.stderr
    assert not cloud.requests


def _release_stack(repo: RepoCopy, marker: Path) -> Path:
    """The two release steps as the tier's stack wires them (terraform_data with local-exec,
    the DAG step depending on the dbt step, the deploy job id from the stack's environment
    block), the dbt step launched through the shim."""
    python = repo.root / ".venv" / "bin" / "python"
    stack = repo.root / "cdktf.out" / "stacks" / "local"
    stack.mkdir(parents=True)
    dbt_step = {
        "triggers_replace": {"commit": SHA},
        "provisioner": [
            {
                "local-exec": {
                    "command": f'cd "{repo.root}" && exec "{python}" "{SHIM}" release dbt '
                    "--tier local",
                    "environment": {DEPLOY_JOB_ENV: str(DEPLOY)},
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
    environment = without(env(cloud), DEPLOY_JOB_ENV)  # the stack's environment block sets it
    init = repo.run("terraform", "init", "-input=false", "-no-color", cwd=stack, **environment)
    assert init.returncode == 0, init.stderr
    apply = repo.run(
        "terraform", "apply", "-input=false", "-no-color", "-auto-approve", cwd=stack, **environment
    )
    assert apply.returncode == 1, apply.stdout + apply.stderr
    assert "compilation error" in apply.stdout + apply.stderr
    assert cloud.seen("POST", rf"/jobs/{DEPLOY}/run/$")
    assert not marker.exists()  # the DAG release never ran
    # Fixed in dbt Cloud, the next apply re-runs the (tainted) dbt step, then the DAGs.
    cloud.jobs[DEPLOY] = JobScript([10], ARTIFACTS)
    again = repo.run(
        "terraform", "apply", "-input=false", "-no-color", "-auto-approve", cwd=stack, **environment
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert marker.exists()


def test_status_and_rollback_say_dbt_cloud_builds_the_tier(repo: RepoCopy, cloud: FakeDbtCloud):
    python = str(repo.root / ".venv" / "bin" / "python")
    status = repo.run(python, str(SHIM), "release", "status", "--tier", "local", **env(cloud))
    assert "publish: by the tier's dbt Cloud deploy job" in status.stdout, status.stderr
    back = repo.run(
        python, str(SHIM), "release", "rollback", "--tier", "local", "--step", "dbt", **env(cloud)
    )
    assert back.returncode == 1 and "no previous version to swap back to" in back.stderr


def test_ci_run_reports_the_dbt_cloud_ci_job(repo: RepoCopy, cloud: FakeDbtCloud):
    """`tierform ci run` end to end (lint and DAG checks real, the dbt check on dbt Cloud):
    the CI job's failed run fails the command and lands in the results with its URL."""
    failed = results(("model.northwind.fct_orders", "error", "Division by zero"))
    cloud.jobs[CI] = JobScript([3, 20], {"run_results.json": failed})
    python = str(repo.root / ".venv" / "bin" / "python")
    args = ["ci", "run", "--tier", "local", "--pr", "7", "--all", "--results", "ci-results"]
    cloud_ci = settings(cloud, ci_job=True)
    extra = {"TIERFORM_STATUS_SHA": SHA, "TIERFORM_TEST_DBT_CLOUD": cloud_ci}
    ran = repo.run(python, str(SHIM), "tierform", *args, **env(cloud, **extra))
    assert ran.returncode == 1, ran.stdout + ran.stderr
    (trigger,) = cloud.seen("POST", rf"/jobs/{CI}/run/$")
    assert trigger.body["github_pull_request_id"] == 7 and trigger.body["git_sha"] == SHA
    data = json.loads((repo.root / "ci-results" / "local.json").read_text())
    outcomes = {o["check"]: o for o in data["outcomes"]}
    (run_id,) = cloud.runs
    assert outcomes["dbt"]["status"] == "fail"
    assert f"/runs/{run_id}/" in outcomes["dbt"]["markdown"]
    assert outcomes["data-impact"]["status"] == "skip", outcomes.keys()


def test_an_interrupted_apply_still_cancels_the_run(repo: RepoCopy, cloud: FakeDbtCloud):
    """Terraform kills an interrupted local-exec step outright (SIGKILL, no handler runs):
    the step's guardian process (tierform/dbt_cloud/guardian.py) cancels the run."""
    cloud.jobs[DEPLOY] = JobScript([3])  # runs until cancelled
    stack = _release_stack(repo, repo.root / "dags-released")
    environment = without(env(cloud), DEPLOY_JOB_ENV)
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
