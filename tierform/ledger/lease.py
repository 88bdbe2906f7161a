"""One release per tier at a time, across machines: a lease object in the tier's ledger.

Taking the lock is a conditional create of `lock.json` (S3 If-None-Match: *, GCS
ifGenerationMatch=0, local O_EXCL), so of two releases started at once exactly one wins; the
other is told who holds it. The holder renews `until` every lease/4 while it runs. A holder
that was killed stops renewing; once `until` has passed the next release takes the lease
over (announcing it). Take-over is itself a conditional create (`lock.takeover-<old id>`),
so two releases racing to take over one expired lease still end with a single holder.
"""

from __future__ import annotations

import getpass
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from tierform.ledger.errors import CorruptRecord, LockHeld
from tierform.ledger.tier_ledger import TierLedger, encode

LOCK = "lock.json"


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def who() -> str:
    actor = os.environ.get("GITHUB_ACTOR")
    if actor:
        return f"{actor} (GitHub Actions)"
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def where() -> str:
    run = os.environ.get("GITHUB_RUN_ID")
    repo = os.environ.get("GITHUB_REPOSITORY")
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
    place = f"{socket.gethostname()} pid {os.getpid()}"
    return f"{place}, run {server}/{repo}/actions/runs/{run}" if run and repo else place


def describe(lease: dict) -> str:
    return (
        f"{lease.get('who', '?')} on {lease.get('where', '?')} since {lease.get('since', '?')}, "
        f"lease until {lease.get('until', '?')} (lock id {lease.get('lock_id', '?')})"
    )


def _read(ledger: TierLedger) -> dict | None:
    lease = ledger.read_json(LOCK)
    if lease is not None and not all(isinstance(lease.get(k), str) for k in ("lock_id", "until")):
        raise CorruptRecord(ledger.url(LOCK), "is not a lease (no lock_id/until)", ledger.tier)
    return lease


def _expired(lease: dict) -> bool:
    try:
        return _parse(lease["until"]) < _now()
    except ValueError:
        return True  # an unreadable expiry protects nothing


def _new_lease(ledger: TierLedger, purpose: str) -> dict:
    since = _now()
    return {
        "lock_id": uuid.uuid4().hex[:16],
        "tier": ledger.tier,
        "purpose": purpose,
        "who": who(),
        "where": where(),
        "since": _stamp(since),
        "until": _stamp(since + timedelta(seconds=ledger.lease_seconds)),
    }


def acquire(ledger: TierLedger, purpose: str, say: Callable[[str], None]) -> dict:
    lease = _new_lease(ledger, purpose)
    if ledger.put_if_absent(LOCK, encode(lease)):
        return lease
    held = _read(ledger)
    if held is None:  # released between our attempt and our read: one more try
        if ledger.put_if_absent(LOCK, encode(lease)):
            return lease
        held = _read(ledger) or {}
    if not _expired(held):
        raise LockHeld(
            f"another release of tier {ledger.tier!r} is running: {describe(held)}; wait for it "
            f"to finish, or if it is dead run `tierform release unlock --tier {ledger.tier} "
            f"--lock-id {held.get('lock_id')}`"
        )
    # Expired: whoever creates the take-over marker for this lease id replaces it.
    marker = f"lock.takeover-{held['lock_id']}"
    if not ledger.put_if_absent(marker, encode(lease)):
        raise LockHeld(
            f"another release of tier {ledger.tier!r} is taking over the expired lease of "
            f"{describe(held)}"
        )
    ledger.delete(LOCK)
    if not ledger.put_if_absent(LOCK, encode(lease)):
        raise LockHeld(f"another release of tier {ledger.tier!r} took the lock first")
    ledger.delete(marker)
    say(f"took over the expired release lock of {describe(held)}")
    return lease


def release(ledger: TierLedger, lease: dict) -> None:
    current = ledger.read_json(LOCK)
    if current is not None and current.get("lock_id") == lease["lock_id"]:
        ledger.delete(LOCK)


def unlock(ledger: TierLedger, lock_id: str) -> dict:
    """Remove a stuck lease by its id (as `terraform force-unlock`); returns what was removed."""
    current = _read(ledger)
    if current is None:
        raise LockHeld(f"tier {ledger.tier!r} is not locked ({ledger.url(LOCK)} does not exist)")
    if current["lock_id"] != lock_id:
        raise LockHeld(
            f"tier {ledger.tier!r} is locked by {describe(current)}, not by lock id {lock_id!r}"
        )
    ledger.delete(LOCK)
    return current


class _Renewer(threading.Thread):
    """Pushes the lease's `until` forward while the release runs."""

    def __init__(self, ledger: TierLedger, lease: dict):
        super().__init__(daemon=True, name=f"lease-{ledger.tier}")
        self.ledger, self.lease = ledger, dict(lease)
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = max(self.ledger.lease_seconds / 4, 0.2)
        while not self.stopped.wait(interval):
            try:
                current = self.ledger.read_json(LOCK)
                if current is None or current.get("lock_id") != self.lease["lock_id"]:
                    return  # unlocked by hand or taken over: not ours to renew any more
                self.lease["until"] = _stamp(_now() + timedelta(seconds=self.ledger.lease_seconds))
                self.ledger.write_json(LOCK, self.lease)
            except Exception:  # a missed renewal is retried; the lease has slack for it
                continue


@contextmanager
def tier_lease(ledger: TierLedger, purpose: str, say: Callable[[str], None]) -> Iterator[dict]:
    lease = acquire(ledger, purpose, say)
    renewer = _Renewer(ledger, lease)
    renewer.start()
    try:
        yield lease
    finally:
        renewer.stopped.set()
        renewer.join()
        release(ledger, lease)
