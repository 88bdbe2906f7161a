"""The release detail of plan-summary with the real tools: `dbt ls -s state:modified+`
(dbt-core + dbt-duckdb) against a tier's last successful manifest, and the DAG files a
branch adds, changes, renames or removes (real git)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import copy_config, tool_env
from terraform_data_stack import Stack, data

pytestmark = pytest.mark.integration

PROFILES = """shop:
  target: local
  outputs:
    local: {type: duckdb, path: "{db}"}
"""


def tierform(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tierform", *args],
        cwd=cwd, env=tool_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def release_plan(tmp_path_factory) -> Path:
    """A real plan in which both release steps run (their content hashes changed)."""
    tmp = tmp_path_factory.mktemp("release-plan")
    stack = Stack(tmp / "cdktf.out")
    stack.write(
        {
            "release_dbt": data(triggers={"content_sha256": "1"}),
            "release_dags": data(triggers={"content_sha256": "1"}),
        }
    )
    stack.init()
    stack.apply()
    stack.write(
        {
            "release_dbt": data(triggers={"content_sha256": "2"}),
            "release_dags": data(triggers={"content_sha256": "2"}),
        }
    )
    return stack.plan_json(tmp / "local.json")


@pytest.fixture(scope="module")
def dbt_project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("dbt")
    project = root / "shop"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(
        "name: shop\nversion: '1.0'\nconfig-version: 2\nprofile: shop\nmodel-paths: [models]\n"
    )
    (project / "profiles.yml").write_text(PROFILES.replace("{db}", str(root / "shop.duckdb")))
    models = project / "models"
    (models / "stg_orders.sql").write_text("select 1 as id\n")
    (models / "orders.sql").write_text("select * from {{ ref('stg_orders') }}\n")
    (models / "customers.sql").write_text("select 2 as id\n")
    dbt = Path(sys.executable).parent / "dbt"
    parse = subprocess.run(
        [str(dbt), "parse", "--project-dir", str(project), "--profiles-dir", str(project)],
        cwd=root, env=tool_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert parse.returncode == 0, parse.stdout + parse.stderr
    last = root / "releases" / "local" / "dbt" / "last-success"
    last.mkdir(parents=True)
    shutil.copy(project / "target" / "manifest.json", last / "manifest.json")
    (models / "stg_orders.sql").write_text("select 1 as id, 'new' as status\n")
    return project


def test_models_modified_since_last_success_and_their_children(release_plan, dbt_project):
    result = tierform(
        dbt_project.parent,
        "plan-summary", "--plan", f"local={release_plan}", "--plan", f"dev={release_plan}",
        "--dbt-project", str(dbt_project), "--dbt-profiles-dir", str(dbt_project),
        "--dbt-target", "local", "--dbt-state-root", str(dbt_project.parent / "releases"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    local, dev = result.stdout.split("<summary><b>local</b>")[1].split("<summary><b>dev</b>")
    assert "**dbt models the release will build** (2; `state:modified+`" in local
    assert "`orders`, `stg_orders`" in local
    assert "customers" not in local
    # dev has no successful release yet: everything is built
    assert "(3; every model: no manifest of a successful release in `" in dev


def test_model_list_defers_to_the_manifest_in_the_tiers_ledger(release_plan, dbt_project, tmp_path):
    """Without --dbt-state-root the manifest comes from each tier's release ledger (here the
    local tier's default store, .tierform/ledger/ next to its local state)."""
    config = copy_config(tmp_path)
    run = tmp_path / ".tierform" / "ledger" / "local" / "dbt" / "local"
    (run / "runs" / "r1").mkdir(parents=True)
    shutil.copy(dbt_project.parent / "releases" / "local" / "dbt" / "last-success" / "manifest.json",
                run / "runs" / "r1" / "manifest.json")  # fmt: skip
    (run / "last-success.json").write_text('{"run_id": "r1", "success": true}')
    result = tierform(
        tmp_path,
        "plan-summary", "--plan", f"local={release_plan}", "--plan", f"dev={release_plan}",
        "--dbt-project", str(dbt_project), "--dbt-profiles-dir", str(dbt_project),
        "--dbt-target", "local", "--config", str(config),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    local, dev = result.stdout.split("<summary><b>local</b>")[1].split("<summary><b>dev</b>")
    assert "**dbt models the release will build** (2; `state:modified+`" in local
    # dev's ledger is S3 (no credentials here): said so, not taken for "no release yet"
    assert "could not list them: the tier's release ledger could not be read" in dev


def _git(repo: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return out.stdout


def test_dag_files_added_changed_renamed_removed(release_plan, tmp_path):
    repo = tmp_path / "repo"
    dags = repo / "dags"
    dags.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "t@example.com")
    _git(repo, "config", "user.name", "t")
    (dags / "keep.py").write_text("# keep\n")
    (dags / "edit.py").write_text("# v1\n")
    (dags / "gone.py").write_text("# gone\n")
    (dags / "old_name.py").write_text("# a DAG long enough to be detected as a rename\n" * 5)
    (repo / "README").write_text("not a dag\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    _git(repo, "checkout", "-qb", "feature")
    (dags / "edit.py").write_text("# v2\n")
    (dags / "gone.py").unlink()
    (dags / "new.py").write_text("# new\n")
    (dags / "old_name.py").rename(dags / "new_name.py")
    (repo / "README").write_text("changed, but not a dag\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "feature")
    result = tierform(
        repo,
        "plan-summary",
        "--plan",
        f"local={release_plan}",
        "--dags-folder",
        "dags",
        "--base",
        "main",
    )
    assert result.returncode == 0, result.stderr
    lines = [x for x in result.stdout.splitlines() if x.startswith("- ") and "dags/" in x]
    assert sorted(lines) == [
        "- added: `dags/new.py`",
        "- changed: `dags/edit.py`",
        "- removed: `dags/gone.py`",
        "- renamed: `dags/new_name.py` (from `dags/old_name.py`)",
    ]
    bad_base = tierform(
        repo,
        "plan-summary",
        "--plan",
        f"local={release_plan}",
        "--dags-folder",
        "dags",
        "--base",
        "nope",
    )
    assert bad_base.returncode == 0
    assert "DAG changes unknown: git diff against 'nope' failed" in bad_base.stdout


def test_the_model_list_matches_the_release_when_the_profile_names_another_duckdb_file(
    tmp_path,
):
    """The release builds a DuckDB target into its own file (TIERFORM_DUCKDB_PATH); the
    file is part of every relation, which state:modified compares. A profile whose default
    path differs made the comment's `dbt ls` see every model as modified."""
    from release_support import make_repo_copy

    repo = make_repo_copy(tmp_path)
    profiles = repo.root / "examples" / "dbt" / "profiles.yml"
    text = profiles.read_text()
    assert "'../../.tierform/duckdb/local.duckdb'" in text
    profiles.write_text(text.replace("'../../.tierform/duckdb/local.duckdb'", "'omega.duckdb'"))
    deployed = repo.deploy()
    assert deployed.returncode == 0, (deployed.stdout + deployed.stderr)[-3000:]

    model = repo.root / "examples" / "dbt" / "models" / "marts" / "dim_customers.sql"
    model.write_text(model.read_text() + "\n-- changed\n")
    repo.synth()
    plans = repo.root / "plans"
    plans.mkdir()
    plan = repo.terraform("plan", "-input=false", f"-out={plans / 'local.tfplan'}")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    show = repo.terraform("show", "-json", str(plans / "local.tfplan"))
    (plans / "local.json").write_text(show.stdout)
    summary = repo.run(
        str(repo.root / ".venv" / "bin" / "python"), "-m", "tierform",
        "plan-summary", "--plan", f"local={plans / 'local.json'}",
    )  # fmt: skip
    assert summary.returncode == 0, summary.stderr
    assert "**dbt models the release will build** (1; `state:modified+`" in summary.stdout, (
        summary.stdout
    )
    assert "`dim_customers`" in summary.stdout
