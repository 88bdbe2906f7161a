"""One release at a time per tier, across every machine that can release it: a lease in the
tier's ledger (tierform/ledger/lease.py), not a lock on one machine's disk, so a laptop
and a CI job are serialized too, and a killed holder's lock expires with its lease."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tierform.ledger.lease import tier_lease
from tierform.release.context import ReleaseContext
from tierform.release.report import Reporter


@contextmanager
def tier_lock(ctx: ReleaseContext, report: Reporter, purpose: str) -> Iterator[dict]:
    with tier_lease(ctx.ledger, purpose, report.info) as lease:
        yield lease
