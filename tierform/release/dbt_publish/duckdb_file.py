"""Blue/green on DuckDB: the shadow is a copy of the live file, publish is an atomic rename.

    <dir>/<name>.duckdb            live: the path consumers (dashboards, DAGs) read
    <dir>/shadow/<name>.duckdb     the build of the running release; a failing one stays
                                   there for inspection until the next release replaces it
    <dir>/previous/<name>.duckdb   the version before the live one: the rollback target

The copies keep the file name because DuckDB names a file's catalog after it, and dbt-duckdb
writes that name into every view (`"local"."main_staging"."stg_orders"`): a shadow called
anything else would publish views that point at a catalog which no longer exists.

Publishing never opens the live file, so a consumer's read-only connection (which holds a
shared lock that an in-place build could not get past) keeps reading the old version's
inode until it reconnects. The rename is atomic on POSIX: a new reader opens either the old
file or the new one, never a half-written one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tierform.release.context import ReleaseError
from tierform.release.report import Reporter

WAL = ".wal"  # DuckDB's write-ahead log next to the database file


def _wal(path: Path) -> Path:
    return path.with_name(path.name + WAL)


class DuckDBFilePublisher:
    mode = "blue_green"

    def __init__(self, root: Path, live: Path):
        self.root = root
        self.live = live
        self.shadow = live.parent / "shadow" / live.name
        self.previous = live.parent / "previous" / live.name

    def _show(self, path: Path) -> str:
        return str(path.relative_to(self.root)) if path.is_relative_to(self.root) else str(path)

    def shadow_location(self) -> str:
        return self._show(self.shadow)

    def prepare(self, report: Reporter, dbt_args: list[str], scratch: Path) -> dict[str, str]:
        # The last release's shadow (a failed build kept for inspection) goes now.
        self.shadow.parent.mkdir(parents=True, exist_ok=True)
        for stale in (self.shadow, _wal(self.shadow)):
            stale.unlink(missing_ok=True)
        if self.live.exists():
            # Copy first: incremental models and deferral see the current data. Copied to a
            # temporary name, so a copy cut short never looks like a shadow.
            partial = self.shadow.with_name(self.shadow.name + ".partial")
            shutil.copyfile(self.live, partial)
            if _wal(self.live).exists():
                shutil.copyfile(_wal(self.live), _wal(self.shadow))
            os.replace(partial, self.shadow)
            report.info(f"shadow: a copy of {self._show(self.live)} in {self.shadow_location()}")
        else:
            report.info(f"shadow: {self.shadow_location()} (first build: no live file yet)")
        return {"TIERFORM_DUCKDB_PATH": str(self.shadow)}

    def publish(self, report: Reporter) -> dict:
        if not self.shadow.exists():
            if self.live.exists():  # prepare copied it: its loss is damage, not a no-op
                raise ReleaseError(f"the shadow {self.shadow_location()} is missing")
            # dbt had nothing to build and never opened the file (a slim run with no change
            # on a machine with no warehouse yet): an empty database is the faithful result.
            _create_empty_database(self.shadow)
            report.info(f"dbt wrote nothing: publishing an empty {self.shadow_location()}")
        self._checkpoint(self.shadow)
        self.previous.parent.mkdir(parents=True, exist_ok=True)
        had_live = self.live.exists()
        if had_live:
            _keep(self.live, self.previous)
        # A log left next to the live file belongs to the old version: it goes with it.
        if _wal(self.live).exists():
            os.replace(_wal(self.live), _wal(self.previous))
        else:
            _wal(self.previous).unlink(missing_ok=True)
        os.replace(self.shadow, self.live)  # the publish: one atomic rename
        if not had_live:
            self.previous.unlink(missing_ok=True)
        return {
            "live": self._show(self.live),
            "previous": self._show(self.previous) if had_live else None,
        }

    def rollback(self, report: Reporter) -> None:
        if not self.previous.exists():
            raise ReleaseError(f"the rollback target {self._show(self.previous)} is missing")
        # Swap through a hard link: the live path always names a complete file.
        held = self.previous.with_name(self.previous.name + ".swap")
        _keep(self.live, held)
        os.replace(self.previous, self.live)
        os.replace(held, self.previous)

    @staticmethod
    def _checkpoint(path: Path) -> None:
        """Fold a write-ahead log into the file, so the renamed file is complete alone."""
        if not _wal(path).exists():
            return
        import duckdb

        with duckdb.connect(str(path)) as con:
            con.execute("CHECKPOINT")


def _keep(source: Path, dest: Path) -> None:
    """dest becomes another name of source's current content (a hard link: no copy, and the
    old inode lives on when source is renamed over); a copy where links are refused."""
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        os.link(source, partial)
    except OSError:
        shutil.copyfile(source, partial)
    os.replace(partial, dest)


def _create_empty_database(path: Path) -> None:
    import duckdb  # dbt-duckdb's dependency; imported only on this rare path

    path.parent.mkdir(parents=True, exist_ok=True)
    duckdb.connect(str(path)).close()
