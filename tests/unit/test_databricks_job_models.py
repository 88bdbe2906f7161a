"""The deeper Databricks job models, synthesized for real with cdktf.Testing on the example
and on the second platform (helix): retries, timeouts, e-mail and webhook notifications,
the duration warning, job parameters, autoscaling job clusters with their own runtime,
Python wheel and Spark Python tasks, and `git: {follow: deployed}`; their config errors
through the real synth entry point. No Databricks workspace or provider binary is here:
the values are checked in the JSON (attribute names against the provider's typed classes).
"""

from __future__ import annotations

import json

import cdktf
import pytest
from support import (
    EXAMPLE_CONFIG,
    HELIX_CONFIG,
    copy_config,
    edit_yaml,
    run_synth_in_process,
    stack_synth,
)

from tierform.config import load_platform
from tierform.stacks.tier_stack import TierStack


def _synth(config, tier: str) -> dict:
    if config in (EXAMPLE_CONFIG, HELIX_CONFIG):  # read-only: synthesized once per tier
        return json.loads(stack_synth(config, tier))
    platform = load_platform(config)
    stack = TierStack(cdktf.App(stack_traces=False), platform.tier(tier))
    return json.loads(cdktf.Testing.synth(stack))


@pytest.fixture(scope="module")
def prod():
    return _synth(EXAMPLE_CONFIG, "prod")


@pytest.fixture(scope="module")
def helix():
    return {tier: _synth(HELIX_CONFIG, tier) for tier in ("prod", "qa")}


def _job(stack: dict) -> dict:
    return stack["resource"]["databricks_job"]["jobs"]


def _tasks(stack: dict, job: str) -> dict:
    return {t["key"]: t for t in _job(stack)["for_each"][job]["tasks"]}


def test_timeout_retries_and_parameters(prod):
    job = _job(prod)
    nightly = job["for_each"]["NIGHTLY"]
    assert job["timeout_seconds"] == "${each.value.timeout_seconds}"
    assert nightly["timeout_seconds"] == 14400
    assert nightly["parameters"] == [{"name": "full_refresh", "default": "false"}]
    assert job["dynamic"]["parameter"]["content"] == {
        "name": "${param.value.name}",
        "default": "${param.value.default}",
    }
    tasks = _tasks(prod, "NIGHTLY")
    # The job's retries apply to every task; OPTIMIZE_GOLD sets its own.
    assert tasks["DBT_BUILD"]["max_retries"] == 2
    assert tasks["DBT_BUILD"]["min_retry_interval_millis"] == 300_000
    assert tasks["OPTIMIZE_GOLD"]["max_retries"] == 0
    content = job["dynamic"]["task"]["content"]
    assert content["max_retries"] == "${task.value.max_retries}"
    assert content["timeout_seconds"] == "${task.value.timeout_seconds}"


def test_notifications_and_duration_warning(prod):
    job = _job(prod)
    nightly = job["for_each"]["NIGHTLY"]
    assert nightly["email"] == [
        {
            "on_failure": ["data-oncall@northwind.example"],
            "on_success": [],
            "on_start": [],
            "on_duration_warning_threshold_exceeded": ["data-oncall@northwind.example"],
        }
    ]
    assert job["dynamic"]["email_notifications"]["for_each"] == "${each.value.email}"
    assert nightly["health"] == [{"value": 7200}]
    assert job["dynamic"]["health"]["content"]["rules"] == [
        {"metric": "RUN_DURATION_SECONDS", "op": "GREATER_THAN", "value": "${health.value.value}"}
    ]
    assert nightly["notification_settings"] == [
        {"no_alert_for_skipped_runs": True, "no_alert_for_canceled_runs": False}
    ]
    assert "webhook_notifications" not in job["dynamic"]  # no job of the stack uses one


def test_spark_python_task_from_git_gets_the_tier_catalog(prod):
    optimize = _tasks(prod, "NIGHTLY")["OPTIMIZE_GOLD"]
    assert optimize["spark_python"] == [
        {
            "file": "examples/databricks/jobs/optimize_tables.py",
            "parameters": ["--catalog", "northwind_prod", "--schema", "gold"],
        }
    ]
    assert optimize["depends_on"] == ["DBT_BUILD"]
    assert _tasks(prod, "NIGHTLY")["INGEST_ORDERS"]["spark_python"] == []
    block = _job(prod)["dynamic"]["task"]["content"]["dynamic"]["spark_python_task"]
    assert block["content"] == {
        "python_file": "${py.value.file}",
        "parameters": "${py.value.parameters}",
        "source": "GIT",
    }
    staging = _tasks(_synth(EXAMPLE_CONFIG, "staging"), "NIGHTLY")["OPTIMIZE_GOLD"]
    assert staging["spark_python"][0]["parameters"][:2] == ["--catalog", "northwind_staging"]


def test_follow_deployed_runs_the_commit_cd_deploys(prod):
    staging = _synth(EXAMPLE_CONFIG, "staging")
    assert _job(staging)["git_source"]["commit"] == "${var.databricks_git_commit}"
    variable = staging["variable"]["databricks_git_commit"]
    assert "regex" in variable["validation"][0]["condition"]
    assert "the commit it deploys" in variable["description"]
    dev = _synth(EXAMPLE_CONFIG, "dev")  # `follow: null` + its own branch
    assert _job(dev)["git_source"]["branch"] == "develop"
    assert "databricks_git_commit" not in dev.get("variable", {})


def test_autoscaling_cluster_with_its_own_runtime(helix):
    job = _job(helix["prod"])
    compact = job["for_each"]["COMPACT"]
    assert compact["autoscale"] == [{"min_workers": 1, "max_workers": 2}]
    assert "workers" not in compact
    assert compact["spark_version"] == "15.4.x-photon-scala2.12"
    (cluster,) = job["job_cluster"]
    new = cluster["new_cluster"]
    assert new["num_workers"] == '${lookup(each.value, "workers", null)}'
    assert new["dynamic"]["autoscale"]["for_each"] == "${each.value.autoscale}"
    assert new["policy_id"] == "${each.value.policy_id}"


def test_python_wheel_tasks_from_a_volume_and_from_pypi(helix):
    tasks = _tasks(helix["prod"], "COMPACT")
    vacuum, report = tasks["VACUUM"], tasks["REPORT"]
    assert vacuum["python_wheel"] == [
        {
            "package_name": "helix_jobs",
            "entry_point": "vacuum",
            "parameters": [],
            "named_parameters": {"catalog": "helix", "retain_hours": "168"},
        }
    ]
    assert vacuum["wheels"] == ["/Volumes/helix/artifacts/wheels/helix_jobs-1.0.0-py3-none-any.whl"]
    assert vacuum["timeout_seconds"] == 1800
    assert report["libraries"] == ["helix-jobs==1.0.0"]
    assert report["python_wheel"][0]["parameters"] == ["--catalog", "helix", "--since", "7"]
    libraries = _job(helix["prod"])["dynamic"]["task"]["content"]["dynamic"]["library"]
    assert [spec["iterator"] for spec in libraries] == ["lib", "wheel"]
    assert libraries[1]["content"] == {"whl": "${wheel.value}"}
    assert tasks["RUN"]["max_retries"] == 1 and tasks["RUN"]["retry_on_timeout"] is True
    # Repository paths are from the git root: helix is a subfolder of this repository.
    assert tasks["AUDIT"]["spark_python"][0]["file"] == (
        "tests/fixtures/platforms/helix/notebooks/audit.py"
    )


def test_webhook_notification_and_qa_follows_deployed(helix):
    job = _job(helix["prod"])
    assert job["for_each"]["COMPACT"]["webhook"] == [
        {
            "on_failure": [{"id": "0c5a6a3e-4b1f-4c1e-9d7a-3f2e1b0a9c8d"}],
            "on_success": [],
            "on_start": [],
            "on_duration_warning_threshold_exceeded": [],
        }
    ]
    failure = job["dynamic"]["webhook_notifications"]["content"]["dynamic"]["on_failure"]
    assert failure["content"] == {"id": "${hook_on_failure.value.id}"}
    assert _job(helix["qa"])["git_source"]["commit"] == "${var.databricks_git_commit}"


def test_without_the_new_fields_the_job_is_as_before(tmp_path):
    config = copy_config(tmp_path)

    def plain(data):
        nightly = data["databricks"]["jobs"]["NIGHTLY"]
        for key in ("timeout_seconds", "warn_after_seconds", "retries", "notifications"):
            nightly.pop(key)
        nightly.pop("parameters")
        nightly["tasks"].pop("OPTIMIZE_GOLD")

    edit_yaml(config / "tiers" / "prod.yaml", plain)
    job = _job(_synth(config, "prod"))
    assert set(job["dynamic"]) == {"task", "schedule"}
    assert "timeout_seconds" not in job
    assert set(job["for_each"]["NIGHTLY"]["tasks"][0]) == {
        "key",
        "depends_on",
        "notebook",
        "dbt",
        "libraries",
    }
    assert job["job_cluster"][0]["new_cluster"]["num_workers"] == "${each.value.workers}"


NIGHTLY = ["databricks", "jobs", "NIGHTLY"]


def _job_edit(**fields):
    return lambda d: d["databricks"]["jobs"]["NIGHTLY"].update(fields)


def _task_edit(task: str, **fields):
    return lambda d: d["databricks"]["jobs"]["NIGHTLY"]["tasks"][task].update(fields)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            _job_edit(cluster={"policy": "JOBS", "node_type": "m5d.xlarge", "workers": 2,
                               "autoscale": {"min_workers": 1, "max_workers": 4}}),
            "databricks.jobs.NIGHTLY.cluster: set workers (a fixed size) or autoscale, not both",
        ),
        (
            _job_edit(cluster={"policy": "JOBS", "node_type": "m5d.xlarge",
                               "autoscale": {"min_workers": 2, "max_workers": 12}}),
            "databricks.jobs.NIGHTLY.cluster.autoscale.max_workers: 12 is above the max_workers "
            "of policy 'JOBS' (8)",
        ),
        (
            _job_edit(cluster={"policy": "JOBS", "node_type": "m5d.xlarge",
                               "autoscale": {"min_workers": 4, "max_workers": 2}}),
            "databricks.jobs.NIGHTLY.cluster.autoscale: min_workers (4) is more than max_workers (2)",
        ),
        (
            _job_edit(cluster={"policy": "JOBS", "node_type": "m5d.xlarge", "spark_version": "15.4"}),
            "databricks.jobs.NIGHTLY.cluster.spark_version: '15.4' is not a Databricks Runtime "
            "version key",
        ),
        (
            _job_edit(retries={"max_retries": -1}),
            "databricks.jobs.NIGHTLY.retries.max_retries:",
        ),
        (
            _job_edit(notifications={"on_failure": {"emails": ["oncall"]}}),
            "databricks.jobs.NIGHTLY.notifications.on_failure.emails.0: 'oncall' is not an "
            "e-mail address",
        ),
        (
            _job_edit(notifications={"on_failure": {"webhooks": ["slack-oncall"]}}),
            "databricks.jobs.NIGHTLY.notifications.on_failure.webhooks.0: 'slack-oncall' is not "
            "a notification destination id",
        ),
        (
            _job_edit(warn_after_seconds=None),
            "databricks.jobs.NIGHTLY.notifications.on_duration_warning: needs warn_after_seconds",
        ),
        (
            _job_edit(warn_after_seconds=20000),
            "databricks.jobs.NIGHTLY.warn_after_seconds: 20000 is not below timeout_seconds (14400)",
        ),
        (
            _job_edit(parameters={"full refresh": "x"}),
            "databricks.jobs.NIGHTLY.parameters.full refresh: 'full refresh' is not a parameter name",
        ),
        (
            _task_edit("OPTIMIZE_GOLD", notebook="examples/databricks/notebooks/ingest_orders"),
            "databricks.jobs.NIGHTLY.tasks.OPTIMIZE_GOLD: a task runs exactly one of: notebook, "
            "dbt, python_wheel, spark_python (got notebook, spark_python)",
        ),
        (
            _task_edit("OPTIMIZE_GOLD", spark_python={"file": "examples/databricks/jobs/nope.py"}),
            "databricks.jobs.NIGHTLY.tasks.OPTIMIZE_GOLD.spark_python.file: file "
            "'examples/databricks/jobs/nope.py' does not exist in the repository",
        ),
        (
            _task_edit("OPTIMIZE_GOLD", parameters={"x": "y"}),
            "databricks.jobs.NIGHTLY.tasks.OPTIMIZE_GOLD: parameters are notebook widgets",
        ),
        (
            _task_edit("OPTIMIZE_GOLD", spark_python=None,
                       python_wheel={"package_name": "jobs", "entry_point": "main"}),
            "databricks.jobs.NIGHTLY.tasks.OPTIMIZE_GOLD.python_wheel: set exactly one of wheel",
        ),
        (
            _task_edit("OPTIMIZE_GOLD", spark_python=None,
                       python_wheel={"package_name": "jobs", "entry_point": "main",
                                     "wheel": "dbfs:/FileStore/jobs.whl"}),
            "databricks.jobs.NIGHTLY.tasks.OPTIMIZE_GOLD.python_wheel.wheel: "
            "'dbfs:/FileStore/jobs.whl' is not a wheel location",
        ),
    ],
    ids=[
        "workers-and-autoscale",
        "autoscale-above-policy",
        "autoscale-min-max",
        "spark-version",
        "endless-retries",
        "bad-email",
        "bad-webhook",
        "warning-without-threshold",
        "warning-after-timeout",
        "parameter-name",
        "two-task-kinds",
        "missing-python-file",
        "widgets-on-spark-python",
        "wheel-without-source",
        "wheel-on-dbfs",
    ],
)  # fmt: skip
def test_bad_job_config_is_refused_with_exit_2(tmp_path, edit, expected):
    config = copy_config(tmp_path)
    edit_yaml(config / "tiers" / "prod.yaml", edit)
    result = run_synth_in_process(config, tmp_path / "out")
    assert result.returncode == 2, result.stderr
    assert f"tiers/prod.yaml: {expected}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_follow_with_a_branch_is_refused(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "dev.yaml", lambda d: d["databricks"]["git"].update(follow="deployed")
    )
    result = run_synth_in_process(config, tmp_path / "out")
    assert result.returncode == 2
    assert (
        "tiers/dev.yaml: databricks.git: set at most one of branch, tag, commit, follow "
        "(got branch, follow)" in result.stderr
    ), result.stderr


def test_a_follow_deployed_tier_asks_its_jobs_for_the_commit():
    """`tierform inputs` derives the variable from the stack: staging's plan and apply jobs
    now need TF_VAR_databricks_git_commit, set by the workflow (deploy: github.sha; PR plans
    and drift: the ledger's deployed commit)."""
    from tierform.gitops.inputs import terraform_variables

    (commit,) = [
        i
        for i in terraform_variables(_synth(EXAMPLE_CONFIG, "staging"))
        if i.name == "TF_VAR_databricks_git_commit"
    ]
    assert (commit.source, commit.github_name) == ("workflow", "${{ github.sha }}")
    dev_names = {i.name for i in terraform_variables(_synth(EXAMPLE_CONFIG, "dev"))}
    assert "TF_VAR_databricks_git_commit" not in dev_names


def test_pr_plans_read_the_deployed_commit_from_the_ledger():
    import yaml
    from support import REPO

    plan = yaml.safe_load((REPO / ".github" / "workflows" / "pr.yml").read_text())["jobs"]["plan"]
    runs = [s.get("run", "") for s in plan["steps"]]
    deployed = next(i for i, r in enumerate(runs) if "release deployed" in r)
    assert "--github-env TF_VAR_databricks_git_commit" in runs[deployed]
    assert deployed < next(i for i, r in enumerate(runs) if "make diff" in r)


def test_staging_drops_prods_on_call_notifications():
    job = _job(_synth(EXAMPLE_CONFIG, "staging"))
    nightly = job["for_each"]["NIGHTLY"]
    assert "email" not in nightly and "health" not in nightly
    assert not {"email_notifications", "health"} & set(job["dynamic"])
    assert nightly["timeout_seconds"] == 14400  # the rest is inherited
