"""dbt builds in the ledger, per dbt target:

  dbt/<target>/runs/<run id>/manifest.json, run_results.json, release.json   one per build
  dbt/<target>/last.json            the latest result (what `status` shows)
  dbt/<target>/last-success.json    pointer to the run `--slim` and the PR model list defer to
  dbt/<target>/publish.json         blue/green: which build is live, the rollback target, the
                                    shadow kept for inspection (tierform/release/dbt_publish/)

Artifacts first, the run's release.json after them, the pointers last: a killed build never
leaves a pointer to a run whose manifest is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

from tierform.ledger.errors import CorruptRecord
from tierform.ledger.tier_ledger import TierLedger

ARTIFACTS = ("manifest.json", "run_results.json")
KEEP_RUNS = 10
RUN_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,80}$")  # an object key part: no `/`, no `..`


def _base(target: str) -> str:
    return f"dbt/{target}"


def record_run(
    ledger: TierLedger, target: str, run_id: str, artifacts: dict[str, bytes], record: dict
) -> None:
    run = f"{_base(target)}/runs/{run_id}"
    for name, data in artifacts.items():
        ledger.put_bytes(f"{run}/{name}", data)
    record = {**record, "run_id": run_id, "artifacts": sorted(artifacts)}
    ledger.write_json(f"{run}/release.json", record)
    ledger.write_json(f"{_base(target)}/last.json", record)
    if record["success"] and "manifest.json" in artifacts:
        ledger.write_json(f"{_base(target)}/last-success.json", record)
    _prune(ledger, target)


def last_result(ledger: TierLedger, target: str) -> dict | None:
    return ledger.read_json(f"{_base(target)}/last.json")


def last_success(ledger: TierLedger, target: str) -> dict | None:
    pointer = ledger.read_json(f"{_base(target)}/last-success.json")
    if pointer is not None and not (
        isinstance(pointer.get("run_id"), str) and RUN_ID.match(pointer["run_id"])
    ):
        raise CorruptRecord(
            ledger.url(f"{_base(target)}/last-success.json"), "names no run_id", ledger.tier
        )
    return pointer


def fetch_last_success(ledger: TierLedger, target: str, dest: Path) -> dict | None:
    """Download the last successful build's manifest (and run results) into dest; None when
    the tier has no successful build yet."""
    pointer = last_success(ledger, target)
    if pointer is None:
        return None
    run = f"{_base(target)}/runs/{pointer['run_id']}"
    manifest = ledger.get_bytes(f"{run}/manifest.json")
    if manifest is None:
        raise CorruptRecord(
            ledger.url(f"{run}/manifest.json"),
            f"is missing (last-success.json points at run {pointer['run_id']})",
            ledger.tier,
        )
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "manifest.json").write_bytes(manifest)
    results = ledger.get_bytes(f"{run}/run_results.json")
    if results is not None:
        (dest / "run_results.json").write_bytes(results)
    return pointer


def read_publish(ledger: TierLedger, target: str) -> dict | None:
    """The blue/green publish state: {mode, live, previous, shadow} (each a version or None)."""
    state = ledger.read_json(f"{_base(target)}/publish.json")
    if state is not None and not isinstance(state.get("live"), dict | None):
        raise CorruptRecord(ledger.url(f"{_base(target)}/publish.json"), "has no live", ledger.tier)
    return state


def write_publish(ledger: TierLedger, target: str, state: dict) -> None:
    ledger.write_json(f"{_base(target)}/publish.json", state)


def run_record(ledger: TierLedger, target: str, run_id: str) -> dict | None:
    if not RUN_ID.match(run_id):
        return None
    return ledger.read_json(f"{_base(target)}/runs/{run_id}/release.json")


def set_last_success(ledger: TierLedger, target: str, record: dict) -> None:
    """After a data rollback: deferral follows the build that is live again."""
    ledger.write_json(f"{_base(target)}/last-success.json", record)


def _prune(ledger: TierLedger, target: str) -> None:
    """Keep the newest KEEP_RUNS runs and always the one last-success points at, and the
    live and rollback versions of a blue/green tier."""
    runs = sorted({k.split("/")[3] for k in ledger.list(f"{_base(target)}/runs")})
    success = ledger.read_json(f"{_base(target)}/last-success.json") or {}
    publish = ledger.read_json(f"{_base(target)}/publish.json") or {}
    versions = [publish.get(k) for k in ("live", "previous")]
    keep = set(runs[-KEEP_RUNS:]) | {success.get("run_id")}
    keep |= {v.get("run_id") for v in versions if isinstance(v, dict)}
    for run_id in runs:
        if run_id not in keep:
            for key in ledger.list(f"{_base(target)}/runs/{run_id}"):
                ledger.delete(key)
