"""`tierform ci run --tier local --pr 7` on a repository copy with the real tools (terraform,
dbt-duckdb, Airflow's parser, sqlfluff): after a deploy of the local tier, a branch that adds
a column to one model, breaks one test and adds a DAG with an unregistered timetable.

The DAG part is the release gate's own check (tierform/release/dag_check.py): it parses and
serializes, so the DAG that parses but cannot be serialized is refused."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from release_support import RepoCopy, make_repo_copy

pytestmark = pytest.mark.integration

TIMETABLE_DAG = '''"""A DAG whose timetable no plugin registers: it parses, but the dag-processor cannot
serialize it."""
import pendulum
from airflow.sdk import DAG
from airflow.timetables.base import Timetable


class EveryFullMoon(Timetable):
    def infer_manual_data_interval(self, *, run_after):
        raise NotImplementedError

    def next_dagrun_info(self, *, last_automated_data_interval, restriction):
        return None


with DAG(
    "pr_full_moon",
    schedule=EveryFullMoon(),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["pr"],
):
    pass
'''


def git(repo: RepoCopy, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", *args],
        cwd=repo.root,
        check=True,
        capture_output=True,
    )


def ci(repo: RepoCopy, *args: str):
    return repo.run(str(repo.root / ".venv" / "bin" / "python"), "-m", "tierform", "ci", *args)


def results(repo: RepoCopy) -> dict[str, dict]:
    data = json.loads((repo.root / "ci-results" / "local.json").read_text())
    return {o["check"]: o for o in data["outcomes"]} | {"_": data}


def run_results(repo: RepoCopy) -> dict[str, str]:
    path = repo.root / ".tierform" / "pr" / "7" / "target" / "run_results.json"
    return {r["unique_id"]: r["status"] for r in json.loads(path.read_text())["results"]}


@pytest.fixture
def deployed(tmp_path: Path) -> RepoCopy:
    repo = make_repo_copy(tmp_path)
    apply = repo.deploy()
    assert apply.returncode == 0, apply.stdout + apply.stderr
    (repo.root / ".gitignore").write_text(
        ".tierform/\n.venv\nnode_modules\ncdktf.out/\nci-results/\n"
    )
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "deployed")
    git(repo, "checkout", "-qb", "pr-7")
    return repo


def test_ci_run_builds_the_change_into_a_pr_environment_and_reports_it(deployed: RepoCopy):
    repo = deployed
    project = repo.root / "examples" / "dbt"
    mart = project / "models" / "marts" / "fct_orders.sql"
    mart.write_text(
        mart.read_text().replace("    o.status,\n", "    o.status,\n    1 as source_system,\n")
    )
    # Break a test of the leaf model (a failing test of a parent skips its children).
    marts_yml = project / "models" / "marts" / "schema.yml"
    good_yml = marts_yml.read_text()
    lifetime = "      - name: lifetime_value\n        data_tests: [not_null]"
    assert lifetime in good_yml
    broken = "data_tests: [not_null, {accepted_values: {arguments: {values: [0], quote: false}}}]"
    marts_yml.write_text(
        good_yml.replace(lifetime, "      - name: lifetime_value\n        " + broken)
    )
    dag = repo.root / "examples" / "dags" / "pr_full_moon.py"
    dag.write_text(TIMETABLE_DAG)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "PR 7")

    first = ci(
        repo, "run", "--tier", "local", "--pr", "7", "--base", "main", "--results", "ci-results"
    )
    out = first.stdout + first.stderr
    assert first.returncode == 1, out
    checks = results(repo)
    assert checks["sql-lint"]["status"] == "pass", checks["sql-lint"]
    assert checks["dbt"]["status"] == "fail"
    # The failing test is named with its file.
    markdown = checks["dbt"]["markdown"]
    assert "accepted_values_dim_customers_lifetime_value" in markdown, markdown
    assert "models/marts/schema.yml" in markdown
    # Exactly the changed model, its children and the changed test ran; the rest deferred.
    built = run_results(repo)
    models = {k for k in built if k.startswith("model.")}
    assert models == {"model.northwind.fct_orders", "model.northwind.dim_customers"}, built
    assert all(built[m] == "success" for m in models), built
    assert not any(k.startswith("seed.") for k in built)
    assert any(k.startswith("unit_test.northwind.dim_customers") for k in built)  # unit tests run
    compiled = (
        repo.root / ".tierform/pr/7/target/run/northwind/models/marts/fct_orders.sql"
    ).read_text()
    assert '"local"."main_staging"."stg_orders"' in compiled  # the local tier's relation
    assert checks["_"]["nodes_built"] < checks["_"]["nodes_in_project"]
    # The data impact shows the added column, read from the PR environment and the tier.
    impact = checks["data-impact"]
    assert "| `fct_orders` | source_system |" in impact["markdown"], impact["markdown"]
    assert checks["dags"]["status"] == "fail"
    assert "pr_full_moon.py" in checks["dags"]["markdown"]
    assert "timetable" in checks["dags"]["markdown"].lower()
    assert (repo.root / ".tierform" / "pr" / "7.duckdb").is_file()
    # The local tier's own warehouse was only read.
    assert repo.query("select count(*) from main_marts.fct_orders")[0][0] > 0
    assert "source_system" not in {
        r[0]
        for r in repo.query(
            "select column_name from information_schema.columns where table_name = 'fct_orders'"
        )
    }

    marts_yml.write_text(good_yml)
    dag.unlink()
    git(repo, "commit", "-qam", "fix")
    second = ci(
        repo, "run", "--tier", "local", "--pr", "7", "--base", "main", "--results", "ci-results"
    )
    assert second.returncode == 0, second.stdout + second.stderr
    assert all(o["status"] in ("pass", "skip") for k, o in results(repo).items() if k != "_")

    down = ci(repo, "teardown", "--tier", "local", "--pr", "7")
    assert down.returncode == 0, down.stderr
    assert not (repo.root / ".tierform" / "pr" / "7.duckdb").exists()
    assert not (repo.ledger_dir / "ci" / "pr" / "7.json").exists()
    again = ci(repo, "teardown", "--tier", "local", "--pr", "7")
    assert again.returncode == 0 and "nothing to tear down" in again.stdout


def test_a_project_with_a_local_package_builds_through_ci(tmp_path: Path):
    """No deploy: the tier has no build yet, so CI says it builds everything."""
    repo = make_repo_copy(tmp_path)
    package = repo.root / "examples" / "dbt_helpers"
    (package / "macros").mkdir(parents=True)
    (package / "dbt_project.yml").write_text(
        "name: helpers\nversion: '1.0.0'\nconfig-version: 2\nmacro-paths: [macros]\n"
    )
    (package / "macros" / "answer.sql").write_text("{% macro answer() %}42{% endmacro %}\n")
    project = repo.root / "examples" / "dbt"
    (project / "packages.yml").write_text("packages:\n  - local: ../dbt_helpers\n")
    mart = project / "models" / "marts" / "fct_orders.sql"
    mart.write_text(
        mart.read_text().replace(
            "    o.status,\n", "    o.status,\n    {{ helpers.answer() }} as answer,\n"
        )
    )

    result = ci(repo, "run", "--tier", "local", "--pr", "3", "--all", "--results", "ci-results")
    out = result.stdout + result.stderr
    checks = {
        o["check"]: o
        for o in json.loads((repo.root / "ci-results" / "local.json").read_text())["outcomes"]
    }
    assert checks["dbt"]["status"] == "pass" and "full build" in checks["dbt"]["markdown"], out
    # The offline jinja templater does not know a package's macros: sqlfluff says so, with
    # the file and line (README: lint of models calling package macros).
    lint = checks["sql-lint"]
    assert lint["status"] == "fail"
    assert {
        "path": "examples/dbt/models/marts/fct_orders.sql",
        "line": 16,
        "message": "TMP: Undefined jinja template variable: 'helpers'",
        "level": "error",
    } in lint["annotations"]
    assert result.returncode == 1
    import duckdb

    with duckdb.connect(str(repo.root / ".tierform" / "pr" / "3.duckdb"), read_only=True) as con:
        assert con.sql("select distinct answer from main_marts.fct_orders").fetchall() == [(42,)]
