"""The content hash that drives `triggers_replace` (behaviour 7): stable under file order
and irrelevant files, different as soon as a shipped file changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from support import REPO

from tierform.release.content import content_sha256, shipped_files

DBT = REPO / "examples" / "dbt"
DAGS = REPO / "examples" / "dags"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "dbt"
    shutil.copytree(DBT, copy, ignore=shutil.ignore_patterns("target", "logs", ".user.yml"))
    return copy


def test_same_tree_same_hash_wherever_it_lives(project: Path, tmp_path: Path):
    other = tmp_path / "elsewhere" / "deeper" / "dbt"
    shutil.copytree(project, other)
    assert content_sha256(project) == content_sha256(other)


def test_file_creation_order_does_not_matter(tmp_path: Path):
    files = {"b.sql": "select 2", "a/x.sql": "select 1", "c.yml": "version: 2"}
    first, second = tmp_path / "first", tmp_path / "second"
    for root, order in ((first, sorted(files)), (second, sorted(files, reverse=True))):
        for name in order:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(files[name])
    assert content_sha256(first) == content_sha256(second)


@pytest.mark.parametrize(
    "junk",
    [
        "target/manifest.json",
        "dbt_packages/dbt_utils/macros/x.sql",
        "logs/dbt.log",
        "models/__pycache__/x.cpython-311.pyc",
        "models/staging/helper.pyc",
        ".user.yml",
    ],
)
def test_generated_files_are_ignored(project: Path, junk: str):
    before = content_sha256(project)
    path = project / junk
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("generated")
    assert content_sha256(project) == before


def test_modification_time_and_permissions_are_irrelevant(project: Path):
    before = content_sha256(project)
    model = project / "models" / "staging" / "stg_orders.sql"
    os.utime(model, (1_000_000, 1_000_000))
    model.chmod(0o600)
    assert content_sha256(project) == before


def test_editing_a_shipped_file_changes_the_hash(project: Path):
    before = content_sha256(project)
    model = project / "models" / "marts" / "fct_orders.sql"
    model.write_text(model.read_text() + "\n-- one more line\n")
    assert content_sha256(project) != before


def test_adding_removing_or_renaming_changes_the_hash(project: Path):
    before = content_sha256(project)
    new = project / "models" / "marts" / "fct_new.sql"
    new.write_text("select 1 as x")
    added = content_sha256(project)
    assert added != before
    new.rename(project / "models" / "marts" / "fct_renamed.sql")
    renamed = content_sha256(project)
    assert renamed not in (before, added)
    (project / "models" / "marts" / "fct_renamed.sql").unlink()
    assert content_sha256(project) == before


def test_moving_bytes_between_files_changes_the_hash(tmp_path: Path):
    """Length-prefixing: 'ab'+'c' and 'a'+'bc' under the same names must not collide."""
    one, two = tmp_path / "one", tmp_path / "two"
    for root, (x, y) in ((one, ("ab", "c")), (two, ("a", "bc"))):
        root.mkdir()
        (root / "x").write_text(x)
        (root / "y").write_text(y)
    assert content_sha256(one) != content_sha256(two)


def test_example_projects_ship_their_sources_only():
    dbt_files = [rel for rel, _ in shipped_files(DBT)]
    assert "dbt_project.yml" in dbt_files and "profiles.yml" in dbt_files
    assert not any(rel.startswith(("target/", "logs/")) for rel in dbt_files)
    dag_files = [rel for rel, _ in shipped_files(DAGS)]
    assert "northwind_daily_build.py" in dag_files
    assert not any("__pycache__" in rel for rel in dag_files)
