"""The local tier's PR environment: `.tierform/pr/<N>.duckdb`, a copy of the tier's DuckDB
warehouse, with a profiles.yml of its own (in the PR's scratch folder) that builds into the
copy and attaches the tier's file read-only.

Why attach: dbt-duckdb names a file's catalog after the file, and the tier's manifest (which
`--defer --favor-state` reads) names its relations "local"."main_marts"."x"; so do the views
in the copy. Attached as "local", the tier's file answers both, read-only, and nothing the PR
builds can touch it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from tierform.ci.errors import CiInputError

WAL = ".wal"


def pr_database(root: Path, pr: int) -> Path:
    return root / ".tierform" / "pr" / f"{pr}.duckdb"


def scratch_dir(root: Path, pr: int) -> Path:
    """dbt's target/log folders and the generated profiles of the PR (never the record)."""
    return root / ".tierform" / "pr" / str(pr)


@dataclass(frozen=True)
class DuckDBSetup:
    profiles_dir: Path
    database: Path
    copied_from: Path | None  # None: the tier has no warehouse yet (nothing to defer to)
    created: list[str]


def prepare(
    root: Path, pr: int, warehouse: Path, profile: str, target: str, output: dict
) -> DuckDBSetup:
    database = pr_database(root, pr)
    database.parent.mkdir(parents=True, exist_ok=True)
    for stale in (database, database.with_name(database.name + WAL)):
        stale.unlink(missing_ok=True)  # a re-run starts again from the tier's data
    copied = None
    if warehouse.is_file():
        partial = database.with_name(database.name + ".partial")
        shutil.copyfile(warehouse, partial)
        wal = warehouse.with_name(warehouse.name + WAL)
        if wal.is_file():
            shutil.copyfile(wal, database.with_name(database.name + WAL))
        partial.replace(database)
        copied = warehouse
    settings = {k: v for k, v in output.items() if k not in ("path", "attach")}
    settings.update(type="duckdb", path=str(database))
    if copied is not None:
        settings["attach"] = [{"path": str(warehouse), "alias": warehouse.stem, "read_only": True}]
    profiles = scratch_dir(root, pr) / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    document = {profile: {"target": target, "outputs": {target: settings}}}
    (profiles / "profiles.yml").write_text(yaml.safe_dump(document, sort_keys=False))
    created = [str(database.relative_to(root)), str(database.relative_to(root)) + WAL]
    return DuckDBSetup(profiles, database, copied, created)


def teardown(root: Path, created: list[str]) -> list[str]:
    """Delete the recorded files (only under .tierform/pr/); the ones that were there."""
    base = (root / ".tierform" / "pr").resolve()
    removed = []
    for name in created:
        path = (root / name).resolve()
        if not path.is_relative_to(base):
            raise CiInputError(f"the PR record names {name!r}, which is not under .tierform/pr/")
        if path.is_file():
            path.unlink()
            removed.append(name)
    return removed


def profile_output(profiles_file: Path, profile: str, target: str) -> dict:
    """The target's settings from the project's profiles.yml (values stay Jinja text)."""
    data = yaml.safe_load(profiles_file.read_text(encoding="utf-8")) or {}
    try:
        output = data[profile]["outputs"][target]
    except (KeyError, TypeError):
        raise CiInputError(
            f"{profiles_file}: no target {target!r} in profile {profile!r}"
        ) from None
    if not isinstance(output, dict):
        raise CiInputError(f"{profiles_file}: target {target!r} is not a mapping")
    return output
