"""Two clones, one ledger: the release records live in S3 (moto's standalone server on
127.0.0.1, started by this module and reached by boto3 through AWS_ENDPOINT_URL_S3, as a CI
runner reaches AWS), not in either clone's `.tierform/`. Real Terraform, dbt and Airflow.

Each test uses its own key prefix in one bucket, so the tests stay independent.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from object_servers import make_bucket, moto_s3_server
from release_support import make_repo_copy, tree
from support import edit_yaml

pytestmark = pytest.mark.integration

BUCKET = "northwind-ledger"


@pytest.fixture(scope="module")
def s3() -> dict[str, str]:
    with moto_s3_server() as env:
        make_bucket(env, BUCKET)
        yield env


def _client(s3: dict[str, str]):
    return boto3.client(
        "s3",
        endpoint_url=s3["AWS_ENDPOINT_URL_S3"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )


class Clone:
    """A repository copy whose local tier keeps its ledger in the shared bucket."""

    def __init__(self, dest: Path, s3: dict[str, str], prefix: str, lease_seconds: int = 120):
        self.repo = make_repo_copy(dest)
        self.s3, self.prefix = s3, prefix
        store = {"type": "s3", "bucket": BUCKET, "prefix": prefix, "lease_seconds": lease_seconds}
        edit_yaml(
            self.repo.root / "config" / "tiers" / "local.yaml",
            lambda d: d.update(release={"store": store}),
        )

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return self.repo.release_cli(*args, **self.s3)

    def popen(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [str(self.repo.root / ".venv" / "bin" / "python"), "-m", "tierform.release", *args],
            cwd=self.repo.root,
            env=self.repo.env(**self.s3),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def status(self) -> dict:
        result = self.cli("status", "--tier", "local", "--json")
        assert result.returncode == 0, result.stdout + result.stderr
        return json.loads(result.stdout)

    def key(self, key: str) -> str:
        return f"{self.prefix}/local/{key}"


def _out(result) -> str:
    return result.stdout + (result.stderr or "")


@pytest.fixture(scope="module")
def clone_a(tmp_path_factory, s3) -> tuple[Clone, list[str]]:
    """Clone A deploys the local tier twice: two DAG releases, one dbt build."""
    a = Clone(tmp_path_factory.mktemp("clone-a"), s3, "shared")
    first = a.repo.deploy(**s3)
    assert first.returncode == 0, _out(first)
    dag = a.repo.root / "examples" / "dags" / "northwind_marts_refresh.py"
    dag.write_text(dag.read_text() + "# second release\n")
    second = a.repo.deploy(**s3)
    assert second.returncode == 0, _out(second)
    assert "release_dbt: Creating" not in second.stdout  # dbt content unchanged: not rebuilt
    state = json.loads(
        _client(s3).get_object(Bucket=BUCKET, Key=a.key("dags/state.json"))["Body"].read()
    )
    assert len(state["releases"]) == 2
    return a, state["releases"]


def test_a_fresh_clone_sees_rolls_back_and_defers_to_the_other_clones_releases(
    clone_a, s3, tmp_path
):
    a, (first, second) = clone_a
    b = Clone(tmp_path, s3, "shared")
    assert not (b.repo.root / ".tierform" / "releases").exists()  # nothing of A's on disk

    status = b.status()
    assert status["dags"]["releases"] == [first, second]
    assert status["dags"]["active"]["release_id"] == second
    assert status["dags"]["rollback_to"] == first
    assert status["dbt"]["last_success"]["success"] is True
    assert status["ledger"] == f"s3://{BUCKET}/shared/local"

    rolled = b.cli("rollback", "--tier", "local")
    assert rolled.returncode == 0, _out(rolled)
    files = tree(b.repo.dags_folder)  # downloaded from the ledger, published in B
    assert b"# second release" not in files["northwind_marts_refresh.py"]
    assert json.loads(files["RELEASE.json"])["release_id"] == first
    assert a.status()["dags"]["active"]["release_id"] == first  # A reads the same record

    # A's warehouse is A's DuckDB file: B has none, so nothing of A's build is here to defer
    # to. Deferring anyway built nothing and published an empty database as a success.
    slim = b.cli("dbt", "--tier", "local", "--slim")
    assert slim.returncode == 0, _out(slim)
    assert "no DuckDB warehouse on this machine yet" in _out(slim)
    assert "is kept in None" not in _out(slim)  # A's file is A's: nothing of it kept here
    assert "no previous version here" in _out(slim) and "no rollback target" in _out(slim)
    assert "deferring to the last successful build" not in _out(slim)
    assert b.status()["dbt"]["last_run"]["counts"]["success"] > 0
    assert b.repo.query("select count(*) from main_marts.fct_orders")[0][0] > 0

    # With B's own warehouse in place, the next slim run defers: nothing changed, nothing built.
    again = b.cli("dbt", "--tier", "local", "--slim")
    assert again.returncode == 0, _out(again)
    assert "deferring to the last successful build" in _out(again)
    assert b.status()["dbt"]["last_run"]["counts"] == {}
    assert b.repo.query("select count(*) from main_marts.fct_orders")[0][0] > 0


def test_two_releases_at_once_from_two_clones_one_runs_the_other_names_it(s3, tmp_path):
    c = Clone(tmp_path / "c", s3, "race")
    d = Clone(tmp_path / "d", s3, "race")
    procs = [c.popen("dags", "--tier", "local"), d.popen("dags", "--tier", "local")]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    codes = [p.returncode for p in procs]
    assert sorted(codes) == [0, 1], outputs
    winner = procs[codes.index(0)]
    loser_out = outputs[codes.index(1)]
    assert "another release of tier 'local' is running:" in loser_out
    assert f"pid {winner.pid}" in loser_out  # the holder, by machine and process
    assert len(c.status()["dags"]["releases"]) == 1


def test_a_killed_holders_lock_is_recovered_after_its_lease(s3, tmp_path):
    e = Clone(tmp_path / "e", s3, "killed", lease_seconds=3)
    f = Clone(tmp_path / "f", s3, "killed", lease_seconds=3)
    client = _client(s3)
    holder = e.popen("dags", "--tier", "local")
    lease = None
    for _ in range(600):  # bounded wait for the lease to appear
        try:
            lease = json.loads(
                client.get_object(Bucket=BUCKET, Key=e.key("lock.json"))["Body"].read()
            )
            break
        except client.exceptions.NoSuchKey:
            time.sleep(0.05)
    assert lease is not None, "the release never took its lease"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    # The dead holder no longer renews: wait until its lease has run out.
    current = json.loads(client.get_object(Bucket=BUCKET, Key=e.key("lock.json"))["Body"].read())
    until = datetime.strptime(current["until"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    while datetime.now(UTC) <= until:
        time.sleep(0.2)
    took = f.cli("dags", "--tier", "local")
    assert took.returncode == 0, _out(took)
    assert "took over the expired release lock of" in _out(took)
    assert f"pid {holder.pid}" in _out(took)
    assert f.status()["lock"] is None  # released at the end


def test_corrupted_or_missing_ledger_objects_are_named_and_never_lose_the_active_release(
    s3, tmp_path
):
    g = Clone(tmp_path, s3, "corrupt")
    published = g.cli("dags", "--tier", "local")
    assert published.returncode == 0, _out(published)
    active = g.status()["dags"]["active"]["release_id"]
    client = _client(s3)
    client.put_object(Bucket=BUCKET, Key=g.key("dags/state.json"), Body=b'{"releases": [')
    url = f"s3://{BUCKET}/{g.key('dags/state.json')}"

    for args in (
        ("status", "--tier", "local"),
        ("dags", "--tier", "local"),
        ("rollback", "--tier", "local"),
    ):
        result = g.cli(*args)
        assert result.returncode == 2, (args, _out(result))
        lines = [x for x in result.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and url in lines[0] and "is not valid JSON" in lines[0], lines
        assert "repair --tier local" in lines[0]
        assert "Traceback" not in _out(result)
    assert g.repo.dags_folder.resolve().name == active  # nothing was switched
    kept = client.list_objects_v2(Bucket=BUCKET, Prefix=g.key(f"dags/releases/{active}/"))
    assert kept["KeyCount"] > 1  # the active release's objects are all still there

    repaired = g.cli("repair", "--tier", "local")
    assert repaired.returncode == 0, _out(repaired)
    status = g.status()
    assert status["dags"]["active"]["release_id"] == active
    assert status["dags"]["releases"] == [active]

    manifest = g.key(f"dags/releases/{active}/RELEASE.json")
    client.delete_object(Bucket=BUCKET, Key=manifest)
    missing = g.cli("status", "--tier", "local")
    assert missing.returncode == 2
    assert f"s3://{BUCKET}/{manifest} is missing" in missing.stderr
    refused = g.cli("repair", "--tier", "local")
    assert refused.returncode == 1 and f"the active release {active} is damaged" in _out(refused)
    state = json.loads(
        client.get_object(Bucket=BUCKET, Key=g.key("dags/state.json"))["Body"].read()
    )
    assert state["active"] == active  # still recorded as active, never dropped


def test_interrupted_switch_is_visible_and_repair_republishes_the_active_release(s3, tmp_path):
    h = Clone(tmp_path, s3, "interrupted")
    assert h.cli("dags", "--tier", "local").returncode == 0
    active = h.status()["dags"]["active"]["release_id"]
    client = _client(s3)
    key = h.key("dags/state.json")
    state = json.loads(client.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    # What a release killed between "record" and "mark active" leaves behind.
    state["releases"].append("20990101T000000Z-abcdefabcdef")
    state["switching"] = "20990101T000000Z-abcdefabcdef"
    client.put_object(Bucket=BUCKET, Key=key, Body=json.dumps(state).encode())
    client.put_object(
        Bucket=BUCKET,
        Key=h.key("dags/releases/20990101T000000Z-abcdefabcdef/files/x.py"),
        Body=b"#",
    )
    shown = h.cli("status", "--tier", "local")
    assert (
        shown.returncode == 0
        and "INTERRUPTED switch to 20990101T000000Z-abcdefabcdef" in shown.stdout
    )
    refused = h.cli("rollback", "--tier", "local")
    assert refused.returncode == 1 and "was interrupted" in _out(refused)
    repaired = h.cli("repair", "--tier", "local")
    assert repaired.returncode == 0, _out(repaired)
    assert f"re-published the recorded active release {active}" in _out(repaired)
    status = h.status()
    assert status["dags"]["switching"] is None and status["dags"]["releases"] == [active]
    left = client.list_objects_v2(Bucket=BUCKET, Prefix=h.key("dags/releases/20990101T000000Z"))
    assert left["KeyCount"] == 0  # the partial version is cleaned up
    assert h.repo.dags_folder.resolve().name == active
