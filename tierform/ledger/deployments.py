"""Deployments in the ledger: one record per apply of the tier (commit, time, outcome, plan
digest, who, CI run), so any clone can tell which commit each tier runs.

  deployments/log/<time>-<sha12>.json   every apply, successful or not
  deployments/commits/<sha>.json        index: this commit was deployed successfully
  deployments/latest.json               pointer: the latest apply
  deployments/last-success.json         pointer: the latest successful apply
"""

from __future__ import annotations

from tierform.ledger.tier_ledger import TierLedger

OUTCOMES = ("success", "failure")


def record(ledger: TierLedger, entry: dict) -> str:
    stamp = entry["finished_at"].replace("-", "").replace(":", "")
    key = f"deployments/log/{stamp}-{entry['commit'][:12]}.json"
    ledger.write_json(key, entry)
    if entry["outcome"] == "success":
        ledger.write_json(f"deployments/commits/{entry['commit']}.json", entry)
        ledger.write_json("deployments/last-success.json", entry)
    ledger.write_json("deployments/latest.json", entry)
    return key


def deployed(ledger: TierLedger, commit: str) -> dict | None:
    """The successful deployment of this exact commit, if the tier has one."""
    return ledger.read_json(f"deployments/commits/{commit}.json")


def latest(ledger: TierLedger) -> dict | None:
    return ledger.read_json("deployments/latest.json")


def last_success(ledger: TierLedger) -> dict | None:
    return ledger.read_json("deployments/last-success.json")
