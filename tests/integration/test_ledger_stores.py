"""The ledger's store backends behave alike — S3 through moto's standalone server and GCS
through gcp-storage-emulator (both real HTTP servers on 127.0.0.1, started here), local on
disk — and the lease lock built on their conditional writes."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from object_servers import gcs_emulator, make_bucket, moto_s3_server

from tierform.ledger import LockHeld, TierLedger
from tierform.ledger import lease as leases
from tierform.ledger.local_store import LocalStore

pytestmark = pytest.mark.integration

BUCKET = "tierform-ledger-test"


@pytest.fixture(scope="module")
def s3_env():
    with moto_s3_server() as env:
        make_bucket(env, BUCKET)
        yield env


@pytest.fixture(scope="module")
def gcs_env():
    with gcs_emulator(BUCKET) as env:
        yield env


def _with_env(env: dict[str, str]):
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    return saved


def _restore(saved: dict[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(params=["local", "s3", "gcs"])
def store(request, tmp_path):
    if request.param == "local":
        yield LocalStore(tmp_path / "ledger")
        return
    env = request.getfixturevalue(f"{request.param}_env")
    saved = _with_env(env)
    try:
        prefix = f"t/{request.node.name.replace('[', '-').replace(']', '')}"
        if request.param == "s3":
            from tierform.ledger.s3_store import S3Store

            yield S3Store(BUCKET, prefix)
        else:
            from tierform.ledger.gcs_store import GcsStore

            yield GcsStore(BUCKET, prefix)
    finally:
        _restore(saved)


def test_get_put_list_delete(store):
    assert store.get("dags/state.json") is None
    store.put("dags/state.json", b"{}")
    store.put("dags/releases/a/files/.airflowignore", b"x")
    store.put("dbt/local/last.json", b"1")
    assert store.get("dags/state.json") == b"{}"
    assert store.list("dags") == ["dags/releases/a/files/.airflowignore", "dags/state.json"]
    store.put("dags/state.json", b'{"v": 2}')  # overwrite
    assert store.get("dags/state.json") == b'{"v": 2}'
    store.delete("dags/state.json")
    store.delete("dags/never-there.json")  # no error
    assert store.get("dags/state.json") is None
    assert store.list("dags") == ["dags/releases/a/files/.airflowignore"]
    assert store.list("nothing") == []


def test_put_if_absent_creates_once(store, request):
    if "gcs" in request.node.name:
        pytest.skip(
            "gcp-storage-emulator 2026.7.19 ignores ifGenerationMatch=0 (a second conditional "
            "upload succeeds), so GCS's conditional write is not verified here"
        )
    assert store.put_if_absent("lock.json", b"first") is True
    assert store.put_if_absent("lock.json", b"second") is False
    assert store.get("lock.json") == b"first"


def test_concurrent_creates_have_one_winner(store, request):
    if "gcs" in request.node.name:
        pytest.skip("gcp-storage-emulator does not enforce ifGenerationMatch (see above)")
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def attempt(i: int) -> None:
        barrier.wait()
        results.append(store.put_if_absent("race.json", str(i).encode()))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 7 + [True]


def test_lease_refuses_a_second_holder_and_names_the_first(store, request):
    if "gcs" in request.node.name:
        pytest.skip("gcp-storage-emulator does not enforce ifGenerationMatch (see above)")
    ledger = TierLedger(store, "prod", lease_seconds=60)
    said: list[str] = []
    first = leases.acquire(ledger, "dags", said.append)
    with pytest.raises(LockHeld) as refused:
        leases.acquire(ledger, "dbt", said.append)
    assert first["who"] in str(refused.value)
    assert f"--lock-id {first['lock_id']}" in str(refused.value)
    leases.release(ledger, first)
    second = leases.acquire(ledger, "dbt", said.append)
    assert second["lock_id"] != first["lock_id"] and said == []


def test_expired_lease_is_taken_over_and_says_so(store, request):
    if "gcs" in request.node.name:
        pytest.skip("gcp-storage-emulator does not enforce ifGenerationMatch (see above)")
    ledger = TierLedger(store, "prod", lease_seconds=60)
    dead = {
        "lock_id": "deadbeefdeadbeef",
        "who": "ghost",
        "where": "gone",
        "since": "2020-01-01T00:00:00Z",
        "until": "2020-01-01T00:02:00Z",
    }
    store.put("prod/lock.json", json.dumps(dead).encode())
    said: list[str] = []
    taken = leases.acquire(ledger, "dags", said.append)
    assert said and "took over the expired release lock of ghost" in said[0]
    assert json.loads(store.get("prod/lock.json"))["lock_id"] == taken["lock_id"]
    assert store.list("prod") == ["prod/lock.json"]  # the take-over marker is gone


def test_unlock_needs_the_holders_id(tmp_path: Path):
    ledger = TierLedger(LocalStore(tmp_path), "dev", lease_seconds=60)
    held = leases.acquire(ledger, "dags", print)
    with pytest.raises(LockHeld, match="not by lock id 'nope'"):
        leases.unlock(ledger, "nope")
    assert leases.unlock(ledger, held["lock_id"])["lock_id"] == held["lock_id"]
    with pytest.raises(LockHeld, match="is not locked"):
        leases.unlock(ledger, held["lock_id"])
