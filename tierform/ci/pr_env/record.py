"""The record of one PR environment in the target tier's ledger: `ci/pr/<N>.json`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from tierform.ledger.errors import CorruptRecord
from tierform.ledger.tier_ledger import TierLedger

PREFIX = "ci/pr"


def record_key(pr: int) -> str:
    return f"{PREFIX}/{pr}.json"


@dataclass
class EnvironmentRecord:
    pr: int
    tier: str
    kind: str  # duckdb | snowflake | databricks
    # What run created: repository-relative files (duckdb) or DATABASE.SCHEMA names.
    created: list[str] = field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""
    # The last run's outcome (pass | fail), for the sweep and for people reading the ledger.
    last_status: str | None = None


def write_record(ledger: TierLedger, record: EnvironmentRecord) -> None:
    ledger.write_json(record_key(record.pr), asdict(record))


def read_record(ledger: TierLedger, pr: int) -> EnvironmentRecord | None:
    data = ledger.read_json(record_key(pr))
    if data is None:
        return None
    try:
        return EnvironmentRecord(**data)
    except TypeError as exc:
        raise CorruptRecord(
            ledger.url(record_key(pr)), f"is not a PR record ({exc})", ledger.tier
        ) from None


def delete_record(ledger: TierLedger, pr: int) -> None:
    ledger.delete(record_key(pr))


def recorded_prs(ledger: TierLedger) -> list[int]:
    found = []
    for key in ledger.list(PREFIX):
        name = key.rsplit("/", 1)[-1]
        if name.endswith(".json") and name[:-5].isdigit():
            found.append(int(name[:-5]))
    return sorted(found)
