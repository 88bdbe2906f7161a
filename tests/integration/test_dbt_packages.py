"""A dbt project that declares packages releases: `dbt deps` runs first (with the options it
accepts) and the build uses the package. The dbt hub is unreachable here, so the package is
a `local:` one, which takes the same `dbt deps` path as a hub package. Real dbt-duckdb."""

from __future__ import annotations

from pathlib import Path

import pytest
from release_support import RepoCopy, make_repo_copy

pytestmark = pytest.mark.integration


@pytest.fixture
def repo(tmp_path: Path) -> RepoCopy:
    return make_repo_copy(tmp_path)


def test_a_project_with_a_local_package_releases(repo: RepoCopy):
    package = repo.root / "examples" / "dbt_helpers"
    (package / "macros").mkdir(parents=True)
    (package / "dbt_project.yml").write_text(
        "name: helpers\nversion: '1.0.0'\nconfig-version: 2\nmacro-paths: [macros]\n"
    )
    (package / "macros" / "answer.sql").write_text("{% macro answer() %}42{% endmacro %}\n")
    project = repo.root / "examples" / "dbt"
    (project / "packages.yml").write_text("packages:\n  - local: ../dbt_helpers\n")
    mart = project / "models" / "marts" / "fct_orders.sql"
    mart.write_text(
        mart.read_text().replace("o.status,", "o.status,\n    {{ helpers.answer() }} as answer,")
    )

    result = repo.release_cli("dbt", "--tier", "local")
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "dbt deps" in out and "No such option" not in out
    assert (project / "dbt_packages" / "helpers").exists()
    assert repo.query("select distinct answer from main_marts.fct_orders") == [(42,)]
