"""A dbt Cloud run's artifacts as the ledger keeps dbt builds: manifest.json (what slim CI
and the PR model list defer to) and run_results.json, summarized the way the dbt-core
release summarizes its own build (counts per status, the failed nodes with their file)."""

from __future__ import annotations

import json

from tierform.dbt_cloud.api import DbtCloudClient
from tierform.dbt_cloud.errors import DbtCloudError
from tierform.ledger.dbt_records import ARTIFACTS

FAILED_STATUSES = {"error", "fail", "runtime error"}


def fetch(client: DbtCloudClient, run_id: int) -> tuple[dict[str, bytes], str | None]:
    """({name: bytes} of the artifacts the run has, why one could not be read or None)."""
    found: dict[str, bytes] = {}
    for name in ARTIFACTS:
        try:
            data = client.artifact(run_id, name)
        except DbtCloudError as exc:
            return found, str(exc)
        if data is not None:
            found[name] = data
    return found, None


def summarize(artifacts: dict[str, bytes]) -> tuple[dict[str, int], list[dict[str, str]]]:
    counts: dict[str, int] = {}
    failures: list[dict[str, str]] = []
    results = _load(artifacts.get("run_results.json")).get("results") or []
    nodes = _load(artifacts.get("manifest.json")).get("nodes") or {}
    for item in results:
        if not isinstance(item, dict):
            continue
        status = str(item.get("status"))
        counts[status] = counts.get(status, 0) + 1
        if status in FAILED_STATUSES:
            node_id = str(item.get("unique_id") or "?")
            node = nodes.get(node_id) if isinstance(nodes, dict) else None
            failures.append(
                {
                    "node": node_id,
                    "status": status,
                    "file": str((node or {}).get("original_file_path") or ""),
                    "message": " ".join(str(item.get("message") or "").split())[:500],
                }
            )
    return counts, failures


def _load(data: bytes | None) -> dict:
    if not data:
        return {}
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}
