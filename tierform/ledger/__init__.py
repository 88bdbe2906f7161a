"""The release ledger: per tier, a durable store that every clone and CI runner reads and
writes (dbt builds, DAG releases, deployments, the release lock). See release_store.py in
tierform/config for where it lives, and README "Release ledger" for the layout."""

from tierform.ledger.errors import CorruptRecord, LedgerError, LockHeld
from tierform.ledger.store import Store, open_store
from tierform.ledger.tier_ledger import TierLedger, tier_ledger

__all__ = [
    "CorruptRecord",
    "LedgerError",
    "LockHeld",
    "Store",
    "TierLedger",
    "open_store",
    "tier_ledger",
]
