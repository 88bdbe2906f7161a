"""What can go wrong with a ledger, by who must act: a damaged record (bad input, exit 2),
a held lock, or a store that cannot be reached (the release fails, exit 1)."""

from __future__ import annotations


class LedgerError(Exception):
    """The store cannot be read or written (network, credentials, missing bucket)."""


class CorruptRecord(LedgerError):
    """A ledger object is not what it should be (not JSON, wrong shape, referenced but gone).
    The message names the object; nothing is changed until it is repaired."""

    def __init__(self, where: str, problem: str, tier: str | None = None):
        repair = f"; see `tierform release repair --tier {tier}`" if tier else ""
        super().__init__(f"ledger object {where} {problem}{repair}")
        self.where = where


class LockHeld(LedgerError):
    """Another release of the tier holds the lease."""
