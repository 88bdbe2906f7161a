"""One release at a time per tier: two deploys of the same tier (two terminals, two CI
jobs) must not interleave dbt builds or DAG swaps. The OS releases the lock when the
process ends, however it ends, so a crash never leaves a stale lock behind."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tierform.release.context import ReleaseError


@contextmanager
def tier_lock(release_dir: Path) -> Iterator[None]:
    release_dir.mkdir(parents=True, exist_ok=True)
    path = release_dir / ".lock"
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReleaseError(
                f"another release of this tier is running (lock: {path}); wait for it to finish"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
