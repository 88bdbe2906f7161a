"""One tier's view of its ledger: keys under `<tier>/`, JSON records that are either valid or
reported by name (CorruptRecord), never silently replaced by a default."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tierform.ledger.errors import CorruptRecord
from tierform.ledger.store import Store, open_store


@dataclass
class TierLedger:
    store: Store
    tier: str
    lease_seconds: int = 120

    def key(self, key: str) -> str:
        return f"{self.tier}/{key}"

    def url(self, key: str) -> str:
        return self.store.url(self.key(key))

    @property
    def location(self) -> str:
        return self.store.url(self.tier)

    def get_bytes(self, key: str) -> bytes | None:
        return self.store.get(self.key(key))

    def put_bytes(self, key: str, data: bytes) -> None:
        self.store.put(self.key(key), data)

    def put_if_absent(self, key: str, data: bytes) -> bool:
        return self.store.put_if_absent(self.key(key), data)

    def delete(self, key: str) -> None:
        self.store.delete(self.key(key))

    def list(self, prefix: str) -> list[str]:
        """Keys under prefix, relative to the tier."""
        strip = len(self.tier) + 1
        return [k[strip:] for k in self.store.list(self.key(prefix))]

    def read_json(self, key: str, *, required: bool = False, kind: type = dict) -> Any:
        """The record, None when absent (or CorruptRecord when `required`), CorruptRecord when
        it is not JSON of the expected kind."""
        data = self.get_bytes(key)
        if data is None:
            if required:
                raise CorruptRecord(self.url(key), "is missing", self.tier)
            return None
        try:
            value = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CorruptRecord(self.url(key), f"is not valid JSON ({exc})", self.tier) from None
        if not isinstance(value, kind):
            raise CorruptRecord(
                self.url(key),
                f"holds a {type(value).__name__}, expected a {kind.__name__}",
                self.tier,
            )
        return value

    def write_json(self, key: str, value: Any) -> None:
        self.put_bytes(key, encode(value))


def encode(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True) + "\n").encode("utf-8")


def tier_ledger(platform, tier, root: Path | None = None) -> TierLedger:
    """The ledger of `tier` (a TierSpec) as configured in `platform` (a PlatformConfig). A
    relative `local` store is under `root`, default the platform's working root: the one
    the release writes to, whatever folder the config is in or the command runs from."""
    spec = platform.release_store(tier)
    store = open_store(spec, root or platform.work_root)
    return TierLedger(store, tier.name, spec.lease_seconds)
