"""Ledger records are either valid or reported by name: hostile or damaged values never
become object keys or file paths (local store, in-process)."""

from __future__ import annotations

import json

import pytest

from tierform.ledger import CorruptRecord, TierLedger, dag_records, dbt_records
from tierform.ledger.local_store import LocalStore


@pytest.fixture
def ledger(tmp_path):
    return TierLedger(LocalStore(tmp_path / "ledger"), "prod")


@pytest.mark.parametrize(
    "state, problem",
    [
        ({"releases": ["../../etc"], "active": None, "history": []}, "`releases` is not a list"),
        ({"releases": ["a"], "active": "a/../b", "history": ["a"]}, "`active` is not a release id"),
        ({"releases": ["a"], "active": "b", "history": []}, "the active release b is not among"),
        ([1, 2], "holds a list, expected a dict"),
    ],
)
def test_damaged_dag_state_is_named(ledger, state, problem):
    ledger.write_json(dag_records.STATE, state)
    with pytest.raises(CorruptRecord) as raised:
        dag_records.read_state(ledger)
    assert str(raised.value).startswith(f"ledger object {ledger.url(dag_records.STATE)} ")
    assert problem in str(raised.value)
    assert "tierform release repair --tier prod" in str(raised.value)


def test_manifest_listing_a_file_outside_the_release_is_refused(ledger, tmp_path):
    key = f"{dag_records.RELEASES}/r1/{dag_records.MANIFEST}"
    ledger.write_json(key, {"release_id": "r1", "files": ["../../outside.py"]})
    with pytest.raises(CorruptRecord, match="lists a file outside the release folder"):
        dag_records.download(ledger, "r1", tmp_path / "dest")
    assert not (tmp_path / "outside.py").exists()


def test_last_success_pointing_at_a_missing_manifest_is_named(ledger, tmp_path):
    dbt_records.record_run(ledger, "prod", "run1", {"manifest.json": b"{}"}, {"success": True})
    ledger.delete("dbt/prod/runs/run1/manifest.json")
    with pytest.raises(CorruptRecord) as raised:
        dbt_records.fetch_last_success(ledger, "prod", tmp_path / "state")
    assert ledger.url("dbt/prod/runs/run1/manifest.json") in str(raised.value)
    assert "is missing (last-success.json points at run run1)" in str(raised.value)


def test_not_json_is_named(ledger):
    ledger.put_bytes("deployments/latest.json", b"\x00\xff")
    with pytest.raises(CorruptRecord, match=r"deployments/latest\.json is not valid JSON"):
        ledger.read_json("deployments/latest.json")
    ledger.put_bytes("dbt/prod/last-success.json", json.dumps({"run_id": "../x"}).encode())
    with pytest.raises(CorruptRecord, match="names no run_id"):
        dbt_records.last_success(ledger, "prod")
