"""The local tier end to end, with the real tools: cdktf, Terraform 1.11 (terraform_data +
local-exec), dbt on DuckDB, Airflow's own DAG parser. Each test works in its own copy of the
repository (own state, DuckDB file, DAGs folder and release records).

Most tests drive `terraform apply` in the synthesized stack folder (what `cdktf deploy`
runs, ~30x faster); the first one runs the real `cdktf deploy local --auto-approve`.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from release_support import RepoCopy, copy_deployed, make_repo_copy, tree

pytestmark = pytest.mark.integration

DBT = Path("examples") / "dbt"
DAGS = Path("examples") / "dags"


@pytest.fixture
def repo(tmp_path: Path) -> RepoCopy:
    return make_repo_copy(tmp_path)


@pytest.fixture(scope="module")
def deployed_once(tmp_path_factory) -> RepoCopy:
    """One fresh deploy, copied for every test that starts from a deployed tier."""
    repo = make_repo_copy(tmp_path_factory.mktemp("deployed"))
    result = repo.deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    return repo


@pytest.fixture
def deployed(deployed_once: RepoCopy, tmp_path: Path) -> RepoCopy:
    """A private copy of the deployed repository: state, DuckDB file, release records and
    the DAGs symlink are all relative, so the copy is a deployed tier of its own."""
    return copy_deployed(deployed_once, tmp_path)


def _output(result) -> str:
    return result.stdout + result.stderr


def test_fresh_deploy_with_cdktf_cli_builds_marts_and_publishes_dags(repo: RepoCopy):
    """Behaviour 1, through the real `cdktf deploy local --auto-approve`."""
    result = repo.run(
        str(repo.root / "node_modules" / ".bin" / "cdktf"), "deploy", "local", "--auto-approve"
    )
    assert result.returncode == 0, _output(result)
    out = _output(result)
    # Order: the dbt step completes before the DAG step starts.
    assert out.index("release_dbt: Creation complete") < out.index("release_dags: Creating")

    # The marts hold the expected rows.
    assert repo.query("select count(*) from main_marts.fct_orders") == [(8,)]
    customers = dict(repo.query("select customer_id, lifetime_value from main_marts.dim_customers"))
    assert len(customers) == 6
    assert customers[1] == pytest.approx(107.75)  # three orders of Maria Anders
    assert customers[3] == 0  # the only order was returned
    assert repo.query("select order_count from main_marts.dim_customers where customer_id = 6") == [
        (0,)
    ]

    # The DAGs folder holds the DAGs and a release manifest.
    files = tree(repo.dags_folder)
    for name in (
        "northwind_daily_build.py",
        "northwind_marts_refresh.py",
        "northwind_data_quality.py",
    ):
        assert name in files
    manifest = json.loads(files["RELEASE.json"])
    assert manifest["tier"] == "local"
    assert manifest["dag_ids"] == [
        "northwind_daily_build",
        "northwind_data_quality",
        "northwind_marts_refresh",
    ]
    state = json.loads(repo.state_file.read_text())
    dags_step = next(r for r in state["resources"] if r["name"] == "release_dags")
    triggers = dags_step["instances"][0]["attributes"]["triggers_replace"]["value"]
    assert manifest["content_sha256"] == triggers["content_sha256"]
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{12}", manifest["release_id"])
    # the DAGs folder is a symlink to a complete version folder (the atomic switch)
    assert repo.dags_folder.is_symlink()
    assert repo.dags_folder.resolve().name == manifest["release_id"]

    # dbt artifacts per run in the tier's ledger, and a pointer to the last successful one
    last_success = json.loads((repo.ledger_dir / "dbt" / "local" / "last-success.json").read_text())
    last = repo.dbt_last()
    assert last_success["run_id"] == last["run_id"]
    assert (repo.root / last["run_dir"] / "manifest.json").is_file()
    assert last["success"] and last["failures"] == []
    assert (repo.root / last["run_dir"] / "run_results.json").is_file()


def test_redeploy_without_changes_runs_no_step(deployed: RepoCopy):
    """Behaviour 2."""
    dags_before = deployed.dag_releases()
    dbt_before = deployed.dbt_last()
    plan = deployed.terraform("plan", "-input=false", "-detailed-exitcode")
    assert plan.returncode == 0, _output(plan)  # 0 = no changes
    apply = deployed.deploy()
    assert apply.returncode == 0, _output(apply)
    assert "No changes." in apply.stdout
    assert "local-exec" not in apply.stdout
    assert deployed.dag_releases() == dags_before
    assert deployed.dbt_last() == dbt_before


def test_changed_model_reruns_dbt_then_republishes_the_dags(deployed: RepoCopy):
    """Behaviour 3."""
    dags_before = deployed.dag_releases()
    dbt_before = deployed.dbt_last()
    model = deployed.root / DBT / "models" / "staging" / "stg_customers.sql"
    model.write_text(
        model.read_text().replace(
            "upper(country) as country_code,",
            "upper(country) as country_code,\n    length(first_name) as first_name_length,",
        )
    )
    actions = deployed.plan_actions()
    assert actions["terraform_data.release_dbt"] == ["delete", "create"]
    # The dbt project ships with the DAGs (the release artifact): they are released again,
    # after the dbt step, so the workers run the project that was just built.
    assert actions["terraform_data.release_dags"] == ["delete", "create"]

    apply = deployed.deploy()
    assert apply.returncode == 0, _output(apply)
    assert "release_dbt (local-exec)" in apply.stdout
    assert apply.stdout.index("release_dbt: Creation complete") < apply.stdout.index(
        "release_dags: Creating"
    )
    dags_after = deployed.dag_releases()
    assert len(dags_after["releases"]) == len(dags_before["releases"]) + 1
    published = tree(deployed.dags_folder)["tierform_release/dbt/models/staging/stg_customers.sql"]
    assert b"first_name_length" in published
    dbt_after = deployed.dbt_last()
    assert dbt_after["content_sha256"] != dbt_before["content_sha256"]
    assert deployed.query(
        "select first_name_length from main_staging.stg_customers where customer_id = 1"
    ) == [(5,)]


def test_failing_dbt_test_stops_the_deploy_before_the_dags(deployed: RepoCopy):
    """Behaviour 4: the DAG change waits until the dbt build passes."""
    active_before = deployed.dag_releases()
    published_before = tree(deployed.dags_folder)
    # One change touching both: a DAG edit and a data test that fails.
    dag = deployed.root / DAGS / "northwind_marts_refresh.py"
    dag.write_text(dag.read_text().replace('"@hourly"', '"30 * * * *"'))
    failing = deployed.root / DBT / "tests" / "assert_every_customer_ordered.sql"
    failing.write_text(
        "-- fails: customer 6 never ordered\n"
        "select customer_id from {{ ref('dim_customers') }} where order_count = 0\n"
    )

    apply = deployed.deploy()
    assert apply.returncode != 0
    out = _output(apply)
    assert "dbt build failed" in out
    assert "test.northwind.assert_every_customer_ordered" in out
    assert "release_dags (local-exec)" not in out
    assert tree(deployed.dags_folder) == published_before
    assert deployed.dag_releases() == active_before
    last = deployed.dbt_last()
    assert last["success"] is False
    assert [f["node"] for f in last["failures"]] == ["test.northwind.assert_every_customer_ordered"]

    # Fix it: both steps complete and the new DAGs are published.
    failing.unlink()
    apply = deployed.deploy()
    assert apply.returncode == 0, _output(apply)
    assert "release_dbt (local-exec)" in apply.stdout
    assert "release_dags (local-exec)" in apply.stdout
    assert deployed.dbt_last()["success"] is True
    after = deployed.dag_releases()
    assert len(after["releases"]) == len(active_before["releases"]) + 1
    assert b'"30 * * * *"' in tree(deployed.dags_folder)["northwind_marts_refresh.py"]


def test_broken_dags_are_refused_and_rollback_restores_the_previous_release(
    deployed: RepoCopy,
):
    """Behaviour 5: an import error and a cycle block the publish; rollback works."""
    first = deployed.dag_releases()["active"]
    first_files = tree(deployed.dags_folder)
    # A second good release, so there is something to roll back from.
    dag = deployed.root / DAGS / "northwind_data_quality.py"
    dag.write_text(dag.read_text().replace('"30 6 * * *"', '"45 6 * * *"'))
    assert deployed.deploy().returncode == 0
    second = deployed.dag_releases()["active"]
    second_files = tree(deployed.dags_folder)
    assert second != first

    (deployed.root / DAGS / "broken_import.py").write_text(
        "from airflow.sdk import dag\nimport northwind_does_not_exist\n"
    )
    (deployed.root / DAGS / "cyclic.py").write_text(
        "import pendulum\n"
        "from airflow.providers.standard.operators.empty import EmptyOperator\n"
        "from airflow.sdk import DAG\n\n"
        "with DAG('cyclic', start_date=pendulum.datetime(2024, 1, 1), schedule=None):\n"
        "    a = EmptyOperator(task_id='a')\n"
        "    b = EmptyOperator(task_id='b')\n"
        "    a >> b >> a\n"
    )
    apply = deployed.deploy()
    assert apply.returncode != 0
    out = _output(apply)
    assert "nothing was published" in out
    assert re.search(r"broken_import\.py: .*ModuleNotFoundError.*northwind_does_not_exist", out), (
        out
    )
    assert re.search(r"cyclic\.py: .*[Cc]ycle", out), out
    assert deployed.dag_releases()["active"] == second
    assert tree(deployed.dags_folder) == second_files

    # The CLI says the same on its own, with exit code 1.
    direct = deployed.release_cli("dags", "--tier", "local")
    assert direct.returncode == 1
    assert "broken_import.py" in direct.stdout + direct.stderr

    rollback = deployed.release_cli("rollback", "--tier", "local")
    assert rollback.returncode == 0, _output(rollback)
    assert deployed.dag_releases()["active"] == first
    assert tree(deployed.dags_folder) == first_files
    status = deployed.release_cli("status", "--tier", "local", "--json")
    assert json.loads(status.stdout)["dags"]["active"]["release_id"] == first


FAKE_SECRETS = {
    "SNOWFLAKE_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----tierformfakekeymaterial0123456789",
    "SNOWFLAKE_PASSWORD": "tierform-fake-password-8c1f",
    "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": "tierform-fake-passphrase-77aa",
    "AWS_SECRET_ACCESS_KEY": "tierformFAKEawsSECRET0123456789abcdefghij",
    "ASTRO_API_TOKEN": "tierform-fake-astro-token-5d2e",
    "DATABRICKS_TOKEN": "dapitierformfake0123456789",
}


def test_no_secrets_and_no_machine_paths_in_json_or_state(repo: RepoCopy):
    """Behaviour 6: fake credentials in the environment of synth and apply never land in
    the synthesized JSON or the state; neither does any absolute path of this machine."""
    synth_all = repo.run(
        str(repo.root / ".venv" / "bin" / "python"), "main.py", TIERFORM_TIERS="", **FAKE_SECRETS
    )
    assert synth_all.returncode == 0, synth_all.stderr
    synthesized = {
        str(p.relative_to(repo.root)): p.read_text()
        for p in sorted((repo.root / "cdktf.out").rglob("*.json"))
    }
    stacks = {Path(name).parent.name for name in synthesized if name.endswith("cdk.tf.json")}
    assert stacks >= {"local", "prod", "dev-alice"}
    result = repo.deploy(**FAKE_SECRETS)  # synthesizes local again, then applies it
    assert result.returncode == 0, _output(result)
    texts = {**synthesized, "state": repo.state_file.read_text()}
    assert '"release_dbt"' in texts["state"] and '"release_dags"' in texts["state"]
    machine_paths = {str(repo.root), str(repo.root.resolve()), str(Path.home()), os.getcwd()}
    for where, text in texts.items():
        for name, value in FAKE_SECRETS.items():
            assert value not in text, f"{name} leaked into {where}"
        for machine_path in machine_paths:
            assert machine_path not in text, f"{machine_path} in {where}"
        assert not re.search(r'"(/(?:tmp|home|root|Users|work|opt)/[^"]*)"', text), where
