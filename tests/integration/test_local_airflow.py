"""`make airflow` for real: Airflow 3.3 (api-server, scheduler, dag-processor, SQLite) on
127.0.0.1 against the local tier's published DAG folder, driven through its REST API
(/api/v2, a token from the simple auth manager's /auth/token), running the example daily
build, whose dbt tasks build the marts in the tier's DuckDB file.

Bounded: every wait has a deadline, and the fixture's finalizer stops Airflow (SIGTERM, then
SIGKILL, to each component's process group) whether the test passed or failed.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from object_servers import free_port
from release_support import make_repo_copy

pytestmark = pytest.mark.integration

DAG = "northwind_daily_build"
EXAMPLE_DAGS = {"northwind_daily_build", "northwind_data_quality", "northwind_marts_refresh"}


class Api:
    def __init__(self, url: str, token: str):
        self.url, self.token = url, token

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"{self.url}/api/v2{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())


def _token(url: str, password: str) -> str:
    request = urllib.request.Request(
        f"{url}/auth/token",
        method="POST",
        data=json.dumps({"username": "admin", "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["access_token"]


def _until(what: str, check, timeout: float, every: float = 1.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except (urllib.error.URLError, OSError, KeyError, ValueError) as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


@pytest.fixture
def airflow(tmp_path):
    """The local tier after `make deploy`'s release steps (DAGs, dbt) with `make airflow`
    running on it. Airflow starts while the dbt step runs (it only needs the published DAGs
    folder): the two overlap, which keeps the test short. The marts are then dropped, so
    only the Airflow run can bring them back."""
    repo = make_repo_copy(tmp_path)
    python = str(repo.root / ".venv" / "bin" / "python")
    port = free_port()
    dags = repo.release_cli("dags", "--tier", "local", timeout=300)
    assert dags.returncode == 0, dags.stdout + dags.stderr
    starting = subprocess.Popen(
        [python, "-m", "tierform", "airflow", "start", "--port", str(port)],
        cwd=repo.root,
        env=repo.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        dbt = repo.release_cli("dbt", "--tier", "local", timeout=300)
        assert dbt.returncode == 0, dbt.stdout + dbt.stderr
        import duckdb

        with duckdb.connect(str(repo.duckdb_file)) as con:
            con.sql("drop schema main_marts cascade")
        printed, _ = starting.communicate(timeout=240)
        assert starting.returncode == 0, printed
        yield repo, f"http://127.0.0.1:{port}", printed
    finally:
        if starting.poll() is None:
            starting.kill()
            starting.wait()
        stopped = repo.run(python, "-m", "tierform", "airflow", "stop", timeout=60)
        assert stopped.returncode == 0, stopped.stderr


def test_make_airflow_runs_the_daily_build_to_success(airflow):
    repo, url, printed = airflow
    home = repo.root / ".tierform" / "airflow" / "local" / "home"
    password = json.loads((home / "simple_auth_manager_passwords.json").read_text())["admin"]
    # The command prints where to go and how to log in.
    assert url in printed
    assert f"login: admin / {password}" in printed

    api = Api(url, _token(url, password))

    def serialized():
        ids = {d["dag_id"] for d in api.call("GET", "/dags?limit=100")["dags"]}
        return ids >= EXAMPLE_DAGS and ids

    _until("the example DAGs to be serialized", serialized, timeout=90)
    # Local DAGs are created paused; a run of a paused DAG is never scheduled.
    api.call("PATCH", f"/dags/{DAG}", {"is_paused": False})
    run = api.call("POST", f"/dags/{DAG}/dagRuns", {"logical_date": None})
    run_id = run["dag_run_id"]

    def finished():
        state = api.call("GET", f"/dags/{DAG}/dagRuns/{run_id}")["state"]
        return state if state in ("success", "failed") else None

    state = _until(f"run {run_id} to finish", finished, timeout=150, every=2)
    tasks = api.call("GET", f"/dags/{DAG}/dagRuns/{run_id}/taskInstances")["task_instances"]
    assert state == "success", {t["task_id"]: t["state"] for t in tasks}
    assert {t["task_id"]: t["state"] for t in tasks} == {
        "load_sources": "success",
        "build_staging": "success",
        "build_marts": "success",
    }
    # Only this run (no schedule runs locally) touched the DAG.
    runs = api.call("GET", f"/dags/{DAG}/dagRuns")["dag_runs"]
    assert [r["dag_run_id"] for r in runs] == [run_id]
    # The marts the run built, in the tier's DuckDB file.
    assert repo.query("select count(*) from main_marts.fct_orders") == [(8,)]
    assert repo.query("select count(*) from main_marts.dim_customers") == [(6,)]
