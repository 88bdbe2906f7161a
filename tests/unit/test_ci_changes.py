"""Which model files a pull request changed (data CI's SQL lint), with real git, for a
project at the git root and one in a subfolder of it (`platforms/zeta`): before, the
subfolder's changes never matched, so the lint skipped every PR there."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tierform.ci import changes


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize("subfolder", ["", "platforms/zeta"])
def test_changed_models_are_found_relative_to_the_project_folder(tmp_path, subfolder):
    repo = tmp_path / "repo"
    project = repo / subfolder if subfolder else repo
    models = project / "dbt" / "models"
    models.mkdir(parents=True)
    for name in ("a", "b"):
        (models / f"{name}.sql").write_text("select 1\n")
    (repo / "README.md").write_text("x\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "change")
    (models / "a.sql").write_text("select 2\n")  # committed on the branch
    git(repo, "commit", "-qam", "change a")
    (models / "c.sql").write_text("select 3\n")  # new, not committed yet
    (repo / "README.md").write_text("y\n")  # outside the project when it is a subfolder

    found = changes.changed_models(project, "main", "dbt", ["models"])
    assert found == ["dbt/models/a.sql", "dbt/models/c.sql"]
    assert changes.changed_models(project, None, "dbt", ["models"]) == [
        "dbt/models/a.sql",
        "dbt/models/b.sql",
        "dbt/models/c.sql",
    ]
    changed = changes.changed_files(project, "main")
    assert ("README.md" in changed) is (subfolder == "")
