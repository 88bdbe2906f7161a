"""The release CLI on its own (no Terraform), with real dbt on DuckDB and Airflow's parser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from release_support import RepoCopy, make_repo_copy
from support import edit_yaml

pytestmark = pytest.mark.integration


@pytest.fixture
def repo(tmp_path: Path) -> RepoCopy:
    return make_repo_copy(tmp_path)


def _built_nodes(repo: RepoCopy) -> set[str]:
    run_dir = repo.root / repo.dbt_last()["run_dir"]
    results = json.loads((run_dir / "run_results.json").read_text())["results"]
    return {r["unique_id"] for r in results}


def test_slim_build_runs_only_modified_nodes_and_their_children(repo: RepoCopy):
    full = repo.release_cli("dbt", "--tier", "local")
    assert full.returncode == 0, full.stdout + full.stderr
    assert "model.northwind.stg_customers" in _built_nodes(repo)

    mart = repo.root / "examples" / "dbt" / "models" / "marts" / "fct_orders.sql"
    mart.write_text(mart.read_text().replace("o.status,", "o.status,\n    1 as version,"))
    slim = repo.release_cli("dbt", "--tier", "local", "--slim")
    assert slim.returncode == 0, slim.stdout + slim.stderr
    built = _built_nodes(repo)
    assert "model.northwind.fct_orders" in built
    assert "model.northwind.dim_customers" in built  # a child of the modified model
    assert "model.northwind.stg_customers" not in built  # untouched: deferred
    assert not any(node.startswith("seed.") for node in built)
    assert repo.query("select max(version) from main_marts.fct_orders") == [(1,)]


def test_slim_without_a_previous_success_builds_everything(repo: RepoCopy):
    result = repo.release_cli("dbt", "--tier", "local", "--slim")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "building everything" in result.stdout
    assert "seed.northwind.raw_orders" in _built_nodes(repo)


def test_status_before_and_after_a_release(repo: RepoCopy):
    before = repo.release_cli("status", "--tier", "local")
    assert before.returncode == 0, before.stderr
    assert "never built" in before.stdout and "never published" in before.stdout
    assert repo.release_cli("dbt", "--tier", "local").returncode == 0
    assert repo.release_cli("dags", "--tier", "local").returncode == 0
    after = repo.release_cli("status", "--tier", "local", "--hints")
    assert "last build passed" in after.stdout
    assert "northwind_daily_build" in after.stdout
    assert "DuckDB file: .tierform/duckdb/local.duckdb" in after.stdout
    data = json.loads(repo.release_cli("status", "--tier", "local", "--json").stdout)
    assert data["dags"]["active"]["dag_ids"] == [
        "northwind_daily_build",
        "northwind_data_quality",
        "northwind_marts_refresh",
    ]


def test_published_dags_take_their_tier_from_the_release(repo: RepoCopy):
    """The same files serve every tier: the tier comes from RELEASE.json, not the files."""
    assert repo.release_cli("dags", "--tier", "local").returncode == 0
    probe = repo.run(
        str(repo.root / ".venv" / "bin" / "python"),
        "-c",
        "import sys; sys.path.insert(0, sys.argv[1]); import northwind_lib as n; "
        "print(n.tier(), n.dbt_target(), n.dbt_command('run'))",
        str(repo.dags_folder),
    )
    assert probe.returncode == 0, probe.stderr
    tier, target, *command = probe.stdout.split()
    assert (tier, target) == ("local", "local")
    # dbt runs the project published with the DAGs, with the tier's own profiles.
    published = repo.dags_folder.resolve() / "tierform_release"
    assert f"--project-dir {published / 'dbt'}" in " ".join(command)
    assert f"--profiles-dir {published / 'profiles'}" in " ".join(command)


def test_rollback_without_history_and_unknown_tier(repo: RepoCopy):
    rollback = repo.release_cli("rollback", "--tier", "local")
    assert rollback.returncode == 1
    assert "no earlier DAG release" in rollback.stdout + rollback.stderr
    # a release id the tier does not keep is bad input (exit 2), not a failed release
    bogus = repo.release_cli("rollback", "--tier", "local", "--to", "bogus")
    assert bogus.returncode == 2, bogus.stdout + bogus.stderr
    assert "release 'bogus' is not kept for tier 'local'" in bogus.stdout + bogus.stderr
    unknown = repo.release_cli("dbt", "--tier", "qa")
    assert unknown.returncode == 2
    assert "'qa' is not a tier (tiers: local, dev, staging, prod)" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    # a tier without Airflow has nothing to publish DAGs to
    edit_yaml(repo.root / "config" / "tiers" / "dev.yaml", lambda d: d.update(airflow=None))
    no_dags = repo.release_cli("dags", "--tier", "dev")
    assert no_dags.returncode == 1
    assert "has no DAG release" in no_dags.stdout + no_dags.stderr


def test_published_dag_runs_the_tiers_models_in_airflow(repo: RepoCopy):
    """`airflow dags test` on the published local folder: the DAG's task runs dbt against
    the tier's DuckDB file (Airflow's SQLite metadata DB lives under .tierform/)."""
    assert repo.release_cli("dbt", "--tier", "local").returncode == 0
    assert repo.release_cli("dags", "--tier", "local").returncode == 0
    repo.query("select 1")  # the DuckDB file exists
    home = repo.root / ".tierform" / "airflow-home"
    env = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(repo.dags_folder),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    airflow = str(repo.root / ".venv" / "bin" / "airflow")
    migrate = repo.run(airflow, "db", "migrate", **env)
    assert migrate.returncode == 0, migrate.stdout[-2000:] + migrate.stderr[-2000:]
    run = repo.run(airflow, "dags", "test", "northwind_marts_refresh", **env)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-3000:]
    assert "created sql table model main_marts.dim_customers" in out
    assert "state=success" in out


def test_rollback_steps_back_through_activations(repo: RepoCopy):
    """Publish A, B; rollback → A; publish C; rollback → A again (not B, which was
    rolled back from); with nothing earlier, rollback refuses."""
    dag = repo.root / "examples" / "dags" / "northwind_marts_refresh.py"

    def publish(schedule: str) -> str:
        dag.write_text(re.sub(r'schedule="[^"]*"', f'schedule="{schedule}"', dag.read_text()))
        result = repo.release_cli("dags", "--tier", "local")
        assert result.returncode == 0, result.stdout + result.stderr
        return repo.dag_releases()["active"]

    a = publish("@hourly")
    b = publish("@daily")
    assert repo.release_cli("rollback", "--tier", "local").returncode == 0
    assert repo.dag_releases()["active"] == a
    c = publish("@weekly")
    assert len({a, b, c}) == 3
    assert repo.release_cli("rollback", "--tier", "local").returncode == 0
    assert repo.dag_releases()["active"] == a
    assert b'"@hourly"' in (repo.dags_folder / "northwind_marts_refresh.py").read_bytes()
    again = repo.release_cli("rollback", "--tier", "local")
    assert again.returncode == 1
    assert "no earlier DAG release" in again.stdout + again.stderr


def test_a_second_release_of_the_same_tier_is_refused_while_one_runs(repo: RepoCopy):
    """A live lease in the ledger (as another machine's release leaves it) refuses at once,
    naming the holder; `release unlock` with its id removes it."""
    lease = {
        "lock_id": "0123456789abcdef",
        "tier": "local",
        "purpose": "dags",
        "who": "ci-bot",
        "where": "runner-7 pid 42",
        "since": "2026-01-01T00:00:00Z",
        "until": "2999-01-01T00:00:00Z",
    }
    lock = repo.ledger_dir / "lock.json"
    lock.parent.mkdir(parents=True)
    lock.write_text(json.dumps(lease))
    busy = repo.release_cli("dags", "--tier", "local")
    assert busy.returncode == 1
    out = busy.stdout + busy.stderr
    assert "another release of tier 'local' is running: ci-bot on runner-7 pid 42" in out
    assert "--lock-id 0123456789abcdef" in out
    wrong = repo.release_cli("unlock", "--tier", "local", "--lock-id", "feedbeef")
    assert wrong.returncode == 1 and "not by lock id 'feedbeef'" in wrong.stdout + wrong.stderr
    unlocked = repo.release_cli("unlock", "--tier", "local", "--lock-id", "0123456789abcdef")
    assert unlocked.returncode == 0, unlocked.stdout + unlocked.stderr
    assert repo.release_cli("dags", "--tier", "local").returncode == 0
    assert not lock.exists()  # released when the release ended


def test_a_folder_without_dags_is_not_published(repo: RepoCopy):
    """Publishing an empty release would remove every DAG of the tier."""
    for dag in (repo.root / "examples" / "dags").glob("northwind_*.py"):
        dag.unlink()
    result = repo.release_cli("dags", "--tier", "local")
    assert result.returncode == 1
    assert "no DAG found in examples/dags" in result.stdout + result.stderr
    assert repo.dag_releases()["active"] is None
    assert not repo.dags_folder.exists()
