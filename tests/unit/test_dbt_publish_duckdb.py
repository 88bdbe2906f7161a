"""Blue/green on DuckDB, the file moves alone (the real dbt runs are in
tests/integration/test_dbt_blue_green.py): the shadow starts as a copy of the live file, a
stale shadow is dropped, publish keeps the old file as the rollback target, a log left
next to the live file goes with the old version, rollback swaps."""

from __future__ import annotations

from pathlib import Path

import pytest

from tierform.release.context import ReleaseError
from tierform.release.dbt_publish.duckdb_file import DuckDBFilePublisher
from tierform.release.report import Reporter


@pytest.fixture
def files(tmp_path: Path) -> DuckDBFilePublisher:
    return DuckDBFilePublisher(tmp_path, tmp_path / ".tierform" / "duckdb" / "local.duckdb")


def _report() -> Reporter:
    return Reporter("dbt", "local")


def test_first_release_starts_from_an_empty_shadow_and_keeps_no_previous(files):
    env = files.prepare(_report(), [], files.root)
    assert env == {"TIERFORM_DUCKDB_PATH": str(files.shadow)}
    assert not files.shadow.exists()  # dbt creates it
    files.shadow.write_bytes(b"v1")
    where = files.publish(_report())
    assert files.live.read_bytes() == b"v1" and not files.shadow.exists()
    assert where == {"live": ".tierform/duckdb/local.duckdb", "previous": None}
    assert not files.previous.exists()


def test_shadow_is_a_copy_and_publish_keeps_the_old_file(files):
    files.live.parent.mkdir(parents=True)
    files.live.write_bytes(b"v1")
    files.shadow.parent.mkdir(parents=True)
    files.shadow.write_bytes(b"failed build of the last release")
    files.prepare(_report(), [], files.root)
    assert files.shadow.read_bytes() == b"v1"  # the stale shadow is gone, a copy took its place
    files.shadow.write_bytes(b"v2")
    (files.live.parent / "local.duckdb.wal").write_bytes(b"log of v1")
    where = files.publish(_report())
    assert files.live.read_bytes() == b"v2"
    assert files.previous.read_bytes() == b"v1"
    assert where["previous"] == ".tierform/duckdb/previous/local.duckdb"
    assert not (files.live.parent / "local.duckdb.wal").exists()
    assert (files.previous.parent / "local.duckdb.wal").read_bytes() == b"log of v1"


def test_an_open_handle_keeps_reading_the_old_version(files):
    files.live.parent.mkdir(parents=True)
    files.live.write_bytes(b"v1")
    files.prepare(_report(), [], files.root)
    files.shadow.write_bytes(b"v2")
    with open(files.live, "rb") as reader:
        files.publish(_report())
        assert reader.read() == b"v1"
    assert files.live.read_bytes() == b"v2"


def test_rollback_swaps_live_and_previous_and_twice_undoes_it(files):
    files.live.parent.mkdir(parents=True)
    files.live.write_bytes(b"v1")
    files.prepare(_report(), [], files.root)
    files.shadow.write_bytes(b"v2")
    files.publish(_report())
    files.rollback(_report())
    assert (files.live.read_bytes(), files.previous.read_bytes()) == (b"v1", b"v2")
    files.rollback(_report())
    assert (files.live.read_bytes(), files.previous.read_bytes()) == (b"v2", b"v1")
    assert sorted(p.name for p in files.previous.parent.iterdir()) == ["local.duckdb"]


def test_publish_without_a_shadow_leaves_live_alone(files):
    files.live.parent.mkdir(parents=True)
    files.live.write_bytes(b"v1")
    with pytest.raises(ReleaseError, match=r"shadow .* is missing"):
        files.publish(_report())
    assert files.live.read_bytes() == b"v1"


class _BrokenPublisher:
    """A publish that fails (a full disk, a refused SWAP)."""

    mode = "blue_green"

    def __init__(self, ledger):
        self.ledger, self.seen = ledger, None

    def publish(self, report):
        from tierform.ledger import dbt_records

        self.seen = dbt_records.read_publish(self.ledger, "local")  # during the swap
        raise OSError("No space left on device")

    def shadow_location(self) -> str:
        return "the shadow"


def test_a_failed_publish_fails_the_release_and_keeps_the_live_version(tmp_path: Path):
    from support import EXAMPLE_CONFIG

    from tierform.config import load_platform
    from tierform.ledger import dbt_records
    from tierform.release.context import ReleaseContext
    from tierform.release.dbt_publish import conclude

    platform = load_platform(EXAMPLE_CONFIG)
    ctx = ReleaseContext(root=tmp_path, platform=platform, tier=platform.tiers["local"])
    step = platform.dbt_step(ctx.tier)
    live = {"run_id": "r1", "content_sha256": "a" * 64, "location": "live"}
    dbt_records.write_publish(ctx.ledger, "local", {"mode": "blue_green", "live": live})
    version = {"run_id": "r2", "content_sha256": "b" * 64, "git_sha": None, "success": True}
    broken = _BrokenPublisher(ctx.ledger)
    published, entry = conclude(ctx, _report(), step, broken, version)
    assert broken.seen["publishing"]["run_id"] == "r2"  # the intent, recorded before the swap
    assert published is False
    assert entry == {"mode": "blue_green", "published": False, "error": "No space left on device"}
    state = dbt_records.read_publish(ctx.ledger, "local")
    assert state["live"] == live
    assert state["shadow"]["run_id"] == "r2" and state["shadow"]["success"] is False
    assert state["publishing"] is None


def test_nothing_built_on_a_machine_without_a_warehouse_publishes_an_empty_one(files):
    """A slim run with no change on a fresh clone: dbt never opens the shadow."""
    import duckdb

    files.prepare(_report(), [], files.root)
    where = files.publish(_report())
    assert where["previous"] is None
    with duckdb.connect(str(files.live), read_only=True) as db:
        assert db.execute("select count(*) from duckdb_tables()").fetchall() == [(0,)]


def test_a_lost_shadow_copy_of_a_live_file_is_an_error(files):
    files.live.parent.mkdir(parents=True)
    files.live.write_bytes(b"v1")
    files.prepare(_report(), [], files.root)
    files.shadow.unlink()
    with pytest.raises(ReleaseError, match="is missing"):
        files.publish(_report())
    assert files.live.read_bytes() == b"v1"
