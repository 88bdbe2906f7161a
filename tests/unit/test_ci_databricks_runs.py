"""`tierform ci run`'s databricks-runs check: one-time runs (Jobs API runs/submit) of the
jobs a PR changes, from the PR's commit, on the tier's job cluster policy.

A Databricks workspace cannot run here: the check talks to tests/fake_databricks.py, a
local HTTP stand-in of the Jobs API on 127.0.0.1 with the documented request and response
shapes. Time is a fake clock, so the time limit is exercised without waiting."""

from __future__ import annotations

import os
import signal
import subprocess

import pytest
from fake_databricks import CLIENT_ID, CLIENT_SECRET, OAUTH_TOKEN, TOKEN, FakeDatabricks
from support import copy_config, edit_yaml

from tierform.ci import checks, databricks_runs
from tierform.ci.databricks_api import DatabricksApi, DatabricksApiError
from tierform.ci.errors import CiInputError
from tierform.ci.report import tier_section
from tierform.config import ConfigError, load_platform
from tierform.release.context import load_context

NOTEBOOK = "examples/databricks/notebooks/ingest_orders.py"
DEV_POLICY = "jobs_dev"  # the example's naming rule: <name>_<tier>, lower case
DEV_WAREHOUSE = "bi_dev"


def _git(root, *args):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path):
    """The example project in a git repository: `main` committed, then a PR branch."""
    copy_config(tmp_path)
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "base")
    _git(tmp_path, "checkout", "-q", "-b", "pr-branch")
    return tmp_path


def _change(root, path, text="\n# changed by the PR\n"):
    with (root / path).open("a", encoding="utf-8") as handle:
        handle.write(text)
    _git(root, "commit", "-q", "-am", f"change {path}")


@pytest.fixture
def workspace():
    with FakeDatabricks(
        policies={DEV_POLICY: "POLICY-DEV-1", "other": "POLICY-X"},
        warehouses={DEV_WAREHOUSE: "WH-DEV-1"},
    ) as fake:
        yield fake


class Clock:
    def __init__(self):
        self.t = 0.0
        self.sleeps = 0

    def now(self):
        return self.t

    def sleep(self, seconds):
        self.sleeps += 1
        self.t += seconds


def _run(repo, fake, clock=None, *, base="main", sha="0123456789abcdef0123456789abcdef01234567"):
    clock = clock or Clock()
    lines = []
    env = {"DATABRICKS_HOST": fake.url, "DATABRICKS_TOKEN": TOKEN, "TIERFORM_STATUS_SHA": sha}
    outcome = databricks_runs.run_databricks_jobs(
        load_context("dev", repo),
        42,
        base,
        env=env,
        now=clock.now,
        sleep=clock.sleep,
        poll_seconds=30,
        echo=lines.append,
    )
    return outcome, lines


def test_the_check_is_one_of_ci_run_checks():
    assert (databricks_runs.CHECK, checks.databricks_jobs) in checks.CHECKS


def test_submit_carries_the_prs_commit_and_the_tiers_policy(repo, workspace):
    _change(repo, NOTEBOOK)
    sha = "89abcdef0123456789abcdef0123456789abcdef"
    outcome, _ = _run(repo, workspace, sha=sha)
    assert outcome.status == "pass", outcome.summary
    [request] = workspace.submits
    assert request["git_source"] == {
        "git_url": "https://github.com/northwind/data-platform",
        "git_provider": "gitHub",
        "git_commit": sha,
    }
    [cluster] = request["job_clusters"]
    assert cluster["new_cluster"]["policy_id"] == "POLICY-DEV-1"
    assert cluster["new_cluster"]["apply_policy_default_values"] is True
    assert cluster["new_cluster"]["node_type_id"] == "m5d.large"
    assert "PR #42" in request["run_name"] and "NIGHTLY" in request["run_name"]
    assert len(request["idempotency_token"]) <= 64
    tasks = {t["task_key"]: t for t in request["tasks"]}
    assert tasks["INGEST_ORDERS"]["notebook_task"]["notebook_path"] == (
        "examples/databricks/notebooks/ingest_orders"
    )
    assert tasks["INGEST_ORDERS"]["notebook_task"]["source"] == "GIT"
    assert tasks["DBT_BUILD"]["dbt_task"]["warehouse_id"] == "WH-DEV-1"
    assert tasks["DBT_BUILD"]["depends_on"] == [{"task_key": "INGEST_ORDERS"}]
    assert request["timeout_seconds"] <= 60 * 60
    # Every call authenticated with the token; the token shows in no output.
    assert set(workspace.auth_headers) == {f"Bearer {TOKEN}"}
    assert TOKEN not in outcome.markdown + outcome.summary


def test_a_successful_run_reports_each_task_and_its_url(repo, workspace):
    _change(repo, NOTEBOOK)
    outcome, lines = _run(repo, workspace)
    assert outcome.status == "pass"
    assert outcome.summary == "1 run(s) passed from 0123456789ab"
    for task in ("INGEST_ORDERS", "DBT_BUILD", "OPTIMIZE_GOLD"):
        assert (
            f"| NIGHTLY | {task} | SUCCESS | [run 1001]({workspace.url}/#job/runs/1001/tasks/{task}) |"
            in (outcome.markdown)
        )
    assert any("NIGHTLY run 1001" in line for line in lines)
    assert f"workspace {workspace.url} (from DATABRICKS_HOST)" in lines[0]
    section = tier_section("dev", [outcome])
    assert "databricks-runs" in section and "run(s) passed" in section


def test_a_failed_task_fails_the_check_and_names_the_task(repo, workspace):
    workspace.failing["NIGHTLY"] = "DBT_BUILD"
    _change(repo, "examples/dbt/dbt_project.yml")
    outcome, _ = _run(repo, workspace)
    assert outcome.failed
    assert outcome.summary == "failed: NIGHTLY (DBT_BUILD, OPTIMIZE_GOLD)"
    assert "| NIGHTLY | DBT_BUILD | FAILED |" in outcome.markdown
    [dbt] = [a for a in outcome.annotations if "task DBT_BUILD FAILED" in a.message]
    assert dbt.path == "examples/dbt/dbt_project.yml"
    assert "notebook raised" in dbt.message


def test_a_run_past_the_time_limit_is_cancelled_and_fails(repo, workspace):
    workspace.hanging.add("NIGHTLY")
    _change(repo, NOTEBOOK)
    clock = Clock()
    outcome, lines = _run(repo, workspace, clock)
    assert workspace.cancels == [1001]
    assert outcome.failed
    assert outcome.summary == "timed out after 60 min: cancelled NIGHTLY"
    assert clock.t >= 60 * 60
    assert any("cancelled run 1001" in line for line in lines)


def test_sigterm_cancels_the_runs_and_ends_the_job(repo, workspace):
    workspace.hanging.add("NIGHTLY")
    _change(repo, NOTEBOOK)

    class Terminated(Clock):
        def sleep(self, seconds):
            super().sleep(seconds)
            os.kill(os.getpid(), signal.SIGTERM)  # what GitHub sends a cancelled job

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as stop:
        _run(repo, workspace, Terminated())
    assert stop.value.code == 128 + signal.SIGTERM
    assert workspace.cancels == [1001]
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_job_marked_ci_false_is_skipped(repo, workspace):
    edit_yaml(
        repo / "config" / "tiers" / "dev.yaml",
        lambda d: d["databricks"]["jobs"]["NIGHTLY"].update(ci=False),
    )
    _git(repo, "commit", "-q", "-am", "NIGHTLY is not safe for CI")
    _change(repo, NOTEBOOK)
    outcome, _ = _run(repo, workspace)
    assert outcome.status == "skip"
    assert outcome.summary == "skipped NIGHTLY (ci: false)"
    assert workspace.requests == []


def test_a_pr_touching_no_job_submits_nothing(repo, workspace):
    _change(repo, "config/platform.yaml", "\n# a comment\n")
    outcome, _ = _run(repo, workspace)
    assert outcome.status == "skip"
    assert outcome.summary == "the PR changes no Databricks job's code"
    assert workspace.requests == []


def test_a_tier_without_databricks_is_skipped(repo):
    outcome = databricks_runs.run_databricks_jobs(load_context("local", repo), 42, "main")
    assert (outcome.status, outcome.summary) == ("skip", "no Databricks jobs")


def test_a_missing_policy_is_one_line_that_names_it(repo, workspace):
    workspace.policies.clear()
    _change(repo, NOTEBOOK)
    with pytest.raises(
        CiInputError, match=f"cluster policy '{DEV_POLICY}' is not in the workspace"
    ):
        _run(repo, workspace)
    assert workspace.submits == []


def test_oauth_m2m_and_bounded_retries_on_429(workspace):
    workspace.throttle = 2
    waits = []
    api = DatabricksApi(
        workspace.url,
        {"DATABRICKS_CLIENT_ID": CLIENT_ID, "DATABRICKS_CLIENT_SECRET": CLIENT_SECRET},
        sleep=waits.append,
    )
    assert api.policy_ids() == {DEV_POLICY: "POLICY-DEV-1", "other": "POLICY-X"}
    assert waits == [0.0, 0.0]  # the server's Retry-After
    assert set(workspace.auth_headers) == {f"Bearer {OAUTH_TOKEN}"}
    workspace.throttle = 99
    with pytest.raises(DatabricksApiError, match="HTTP 429 REQUEST_LIMIT_EXCEEDED"):
        api.policy_ids()
    assert len(waits) == 2 + 4


def test_no_credentials_and_refused_tokens_say_so_without_the_token(workspace):
    with pytest.raises(DatabricksApiError, match="set DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID"):
        DatabricksApi(workspace.url, {}).policy_ids()
    with pytest.raises(DatabricksApiError) as err:
        DatabricksApi(workspace.url, {"DATABRICKS_TOKEN": "wrong-secret-value"}).policy_ids()
    assert "HTTP 401" in str(err.value) and "wrong-secret-value" not in str(err.value)


def test_ci_flag_of_the_wrong_type_is_one_clear_message(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "dev.yaml",
        lambda d: d["databricks"]["jobs"]["NIGHTLY"].update(ci="no"),
    )
    with pytest.raises(ConfigError) as err:
        load_platform(config)
    assert str(err.value).endswith(
        "tiers/dev.yaml: databricks.jobs.NIGHTLY.ci: expected true or false, got a string 'no'"
    )


def test_an_internal_error_fails_the_check(repo, workspace):
    workspace.internal_error.add("NIGHTLY")
    _change(repo, NOTEBOOK)
    outcome, _ = _run(repo, workspace)
    assert outcome.failed and outcome.summary.startswith("failed: NIGHTLY")


def test_all_runs_every_job_from_the_checkouts_head_commit(repo, workspace):
    lines = []
    outcome = databricks_runs.run_databricks_jobs(
        load_context("dev", repo),
        42,
        None,  # --all
        env={"DATABRICKS_HOST": workspace.url, "DATABRICKS_TOKEN": TOKEN, "GITHUB_HEAD_REF": "f"},
        now=Clock().now,
        sleep=Clock().sleep,
        echo=lines.append,
    )
    assert outcome.status == "pass"
    [request] = workspace.submits
    # No TIERFORM_STATUS_SHA: the checkout's HEAD commit, not the branch.
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True
    ).stdout.strip()
    assert request["git_source"]["git_commit"] == head


def test_git_source_falls_back_to_the_prs_branch():
    from tierform.ci.databricks_submit import git_source
    from tierform.config.databricks import GitSpec

    git = GitSpec(url="https://gitlab.com/helix/platform", provider="gitLab")
    assert git_source(git, commit=None, branch="feature/x") == {
        "git_url": "https://gitlab.com/helix/platform",
        "git_provider": "gitLab",
        "git_branch": "feature/x",
    }
    with pytest.raises(ValueError, match="neither the PR's commit nor its branch"):
        git_source(git, commit=None, branch=None)


def test_helix_in_a_monorepo_subfolder_runs_its_tasks_from_the_git_root(tmp_path):
    """The second platform: the project lives in `helix/` of the repository, so changed
    files and task paths are the git root's; autoscaling, wheels and a shared catalog."""
    import shutil

    from support import HELIX_ROOT

    from tierform.config import databricks_naming as naming

    shutil.copytree(HELIX_ROOT, tmp_path / "helix")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "base")
    _git(tmp_path, "checkout", "-q", "-b", "pr-branch")
    _change(tmp_path, "helix/notebooks/audit.py")
    ctx = load_context("qa", tmp_path / "helix")
    policy = naming.object_name(ctx.tier, "BATCH")
    with FakeDatabricks(policies={policy: "POLICY-QA"}) as fake:
        fake.failing["COMPACT"] = "AUDIT"
        outcome = databricks_runs.run_databricks_jobs(
            ctx,
            9,
            "main",
            env={"DATABRICKS_HOST": fake.url, "DATABRICKS_TOKEN": TOKEN},
            now=Clock().now,
            sleep=Clock().sleep,
            echo=lambda line: None,
        )
        [request] = fake.submits
    assert request["git_source"]["git_provider"] == "gitLab"
    cluster = request["job_clusters"][0]["new_cluster"]
    assert cluster["policy_id"] == "POLICY-QA"
    assert cluster["autoscale"] == {"min_workers": 1, "max_workers": 2}
    assert request["timeout_seconds"] == 3600  # the job's own, under the 60 min limit
    tasks = {t["task_key"]: t for t in request["tasks"]}
    assert tasks["RUN"]["notebook_task"]["notebook_path"] == "helix/notebooks/compact"
    assert tasks["RUN"]["notebook_task"]["base_parameters"]["catalog"] == "helix"
    assert tasks["AUDIT"]["spark_python_task"]["python_file"] == "helix/notebooks/audit.py"
    assert {"whl": "/Volumes/helix/artifacts/wheels/helix_jobs-1.0.0-py3-none-any.whl"} in (
        tasks["VACUUM"]["libraries"]
    )
    assert outcome.failed
    [audit] = [a for a in outcome.annotations if "task AUDIT FAILED" in a.message]
    assert audit.path == "helix/notebooks/audit.py"


def test_a_refused_submit_cancels_the_runs_already_started(repo, workspace):
    def second_job(data):
        jobs = data["databricks"]["jobs"]
        jobs["REPLAY"] = {
            "cluster": {"policy": "JOBS", "node_type": "m5d.large"},
            "tasks": {"INGEST": {"notebook": "examples/databricks/notebooks/ingest_orders"}},
        }

    edit_yaml(repo / "config" / "tiers" / "dev.yaml", second_job)
    _git(repo, "commit", "-q", "-am", "a second job")
    _change(repo, NOTEBOOK)
    workspace.refused.add("REPLAY")
    with pytest.raises(CiInputError, match="runs/submit: HTTP 400 INVALID_PARAMETER_VALUE"):
        _run(repo, workspace)
    assert workspace.cancels == [1001]  # NIGHTLY, submitted first
