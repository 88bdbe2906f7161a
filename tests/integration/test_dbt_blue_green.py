"""Blue/green dbt releases on the local tier, with real dbt-duckdb in a repository copy:
the live DuckDB file only ever holds a build whose tests passed; a failing build stays in
the shadow; `rollback --step dbt` swaps the previous version back."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml
from release_support import RepoCopy, make_repo_copy

pytestmark = pytest.mark.integration

FCT_ORDERS = Path("examples") / "dbt" / "models" / "marts" / "fct_orders.sql"
MODELS = ("main_marts.fct_orders", "main_marts.dim_customers", "main_staging.stg_orders")


def _out(result) -> str:
    return result.stdout + result.stderr


def _rows(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {m: sorted(con.sql(f"select * from {m}").fetchall()) for m in MODELS}


# A consumer in its own process (DuckDB shares one open database per path within a process):
# it opens the live file read-only, then answers one query per line it is sent.
READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
for line in sys.stdin:
    print(con.sql(line).fetchall(), flush=True)
"""


class Reader:
    def __init__(self, python: Path, path: Path):
        self.process = subprocess.Popen(
            [str(python), "-c", READER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, sql: str) -> str:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(sql + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait(timeout=60)


def _publish_state(repo: RepoCopy) -> dict:
    return json.loads((repo.ledger_dir / "dbt" / "local" / "publish.json").read_text())


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> RepoCopy:
    """The first deploy (synth + terraform apply: the dbt and DAG release steps)."""
    repo = make_repo_copy(tmp_path_factory.mktemp("bluegreen"))
    result = repo.deploy()
    assert result.returncode == 0, _out(result)
    return repo


def test_first_release_publishes_and_has_no_rollback_target(released: RepoCopy):
    live = released.duckdb_file
    assert released.query("select count(*) from main_marts.fct_orders") == [(8,)]
    shadow = live.parent / "shadow" / live.name
    assert not shadow.exists()  # renamed into place
    state = _publish_state(released)
    assert state["mode"] == "blue_green"
    assert state["live"]["location"] == ".tierform/duckdb/local.duckdb"
    assert state["previous"] is None and state["shadow"] is None
    assert released.dbt_last()["publish"] == {
        "mode": "blue_green",
        "published": True,
        "live": state["live"]["run_id"],
    }


def test_failing_test_leaves_live_data_untouched_then_good_change_publishes_and_rollback_restores(
    released: RepoCopy,
):
    repo = released
    live = repo.duckdb_file
    shadow = live.parent / "shadow" / live.name
    previous = live.parent / "previous" / live.name
    before = _rows(live)
    first_run = _publish_state(repo)["live"]["run_id"]
    model = repo.root / FCT_ORDERS
    original = model.read_text()

    # A reader holding a connection through the releases (a dashboard).
    reader = Reader(repo.root / ".venv" / "bin" / "python", live)
    count = "select count(*) from main_marts.fct_orders"
    assert reader.ask(count) == "[(8,)]"
    try:
        # 1. Duplicated rows fail fct_orders' `unique` test: not published.
        model.write_text(
            original.replace(
                "left join payments as p on p.order_id = o.order_id",
                "left join payments as p on p.order_id = o.order_id\n"
                "cross join (select 1 as n union all select 2) as twice",
            )
        )
        failed = repo.release_cli("dbt", "--tier", "local")
        assert failed.returncode == 1, _out(failed)
        assert "unique_fct_orders_order_id" in _out(failed)
        assert "not published: the live data is unchanged" in _out(failed)
        assert _rows(live) == before  # every model, row for row
        assert reader.ask(count) == "[(8,)]"
        with duckdb.connect(str(shadow), read_only=True) as con:  # the failing build, kept
            assert con.sql("select count(*) from main_marts.fct_orders").fetchall() == [(16,)]
        state = _publish_state(repo)
        assert state["live"]["run_id"] == first_run
        assert state["shadow"]["location"] == ".tierform/duckdb/shadow/local.duckdb"
        status = repo.release_cli("status", "--tier", "local")
        assert "shadow: failed build kept for inspection" in status.stdout, _out(status)

        # 2. A good change publishes; the old version becomes the rollback target.
        model.write_text(original.replace("o.status,", "o.status,\n    1 as release_marker,"))
        good = repo.release_cli("dbt", "--tier", "local")
        assert good.returncode == 0, _out(good)
        assert not shadow.exists()
        assert repo.query("select count(*), sum(release_marker) from main_marts.fct_orders") == [
            (8, 8)
        ]
        assert _rows(previous) == before
        # The open connection still reads the version it opened, consistently.
        assert reader.ask(count) == "[(8,)]"
        assert "release_marker" not in reader.ask("describe main_marts.fct_orders")
        assert reader.ask("select count(*) from main_marts.dim_customers") == "[(6,)]"
    finally:
        reader.close()
    state = _publish_state(repo)
    assert state["previous"]["run_id"] == first_run
    assert state["previous"]["location"] == ".tierform/duckdb/previous/local.duckdb"
    new_run = state["live"]["run_id"]

    # 3. Data rollback: the first build is live again; a second rollback undoes it.
    back = repo.release_cli("rollback", "--tier", "local", "--step", "dbt")
    assert back.returncode == 0, _out(back)
    assert _rows(live) == before
    state = _publish_state(repo)
    assert (state["live"]["run_id"], state["previous"]["run_id"]) == (first_run, new_run)
    status = repo.release_cli("status", "--tier", "local")
    assert f"live: build {first_run}" in status.stdout
    assert "publish: blue/green" in status.stdout
    again = repo.release_cli("rollback", "--tier", "local", "--step", "dbt")
    assert again.returncode == 0, _out(again)
    assert repo.query("select sum(release_marker) from main_marts.fct_orders") == [(8,)]


def test_in_place_tier_builds_over_the_live_file(tmp_path: Path):
    repo = make_repo_copy(tmp_path)
    tier = repo.root / "config" / "tiers" / "local.yaml"
    data = yaml.safe_load(tier.read_text())
    data.setdefault("release", {})["dbt"] = {"publish": "in_place"}
    tier.write_text(yaml.safe_dump(data, sort_keys=False))
    result = repo.release_cli("dbt", "--tier", "local")
    assert result.returncode == 0, _out(result)
    live = repo.duckdb_file
    assert not (live.parent / "shadow").exists()
    assert repo.dbt_last()["publish"] == {"mode": "in_place"}
    status = repo.release_cli("status", "--tier", "local")
    assert "publish: in place" in status.stdout
    refused = repo.release_cli("rollback", "--tier", "local", "--step", "dbt")
    assert refused.returncode == 1
    assert "releases dbt in place" in _out(refused)
