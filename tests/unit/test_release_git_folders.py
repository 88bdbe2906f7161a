"""`python -m tierform.release git-folders --tier T`: the release step that checks a tier's
workspace Git folder out at its ref's latest commit after each deploy.

A Databricks workspace cannot run here: tests/fake_databricks.py stands in for it (the Repos
API's PATCH/GET /api/2.0/repos/{id} with their documented shapes, the OAuth token endpoint),
on 127.0.0.1 at a random port. The step gets the repo id (and the jobs' commit) in its
environment, as the stack's local-exec passes them; most cases run the command in this
process, the failure case as the subprocess Terraform starts."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest
from fake_databricks import CLIENT_ID, CLIENT_SECRET, TOKEN, FakeDatabricks
from support import EXAMPLE_CONFIG, HELIX_CONFIG, HELIX_ROOT, REPO, copy_config, edit_yaml, tool_env
from typer.testing import CliRunner

from tierform.release.cli import app as release_app

OLD = "1111111111111111111111111111111111111111"
NEW = "2222222222222222222222222222222222222222"
DEPLOYED = "3333333333333333333333333333333333333333"
URL = "https://github.com/northwind/data-platform"


def _step(fake, tier, *, root=REPO, config=EXAMPLE_CONFIG, folder="101", real=False, **env):
    """The step's command with the environment Terraform's local-exec gives it: in this
    process (typer's runner), or with `real=True` as the subprocess Terraform starts."""
    values = {
        "DATABRICKS_HOST": fake.url,
        "DATABRICKS_TOKEN": TOKEN,
        "DATABRICKS_CLIENT_ID": "",
        "DATABRICKS_CLIENT_SECRET": "",
        "TIERFORM_CONFIG": str(config),
        "TIERFORM_GIT_FOLDER_ID": folder,
        "TIERFORM_JOBS_COMMIT": "",
        "GITHUB_ACTIONS": "",
        "CI": "true",
        **env,
    }
    args = ["git-folders", "--tier", tier, "--root", str(root)]
    if not real:
        result = CliRunner().invoke(release_app, args, env=values)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        return SimpleNamespace(
            returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr
        )
    return subprocess.run(
        [sys.executable, "-m", "tierform.release", *args],
        cwd=REPO,
        env=tool_env(**values),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _repo(path: str, branch: str = "main") -> dict:
    return {
        "id": 101,
        "path": path,
        "url": URL,
        "provider": "gitHub",
        "branch": branch,
        "head_commit_id": OLD,
    }


def test_a_deploy_pulls_the_tier_folder_to_its_branch_latest_commit():
    with FakeDatabricks() as fake:
        fake.repos["101"] = _repo("/Repos/dev/data-platform", "develop")
        fake.remote["develop"] = NEW
        result = _step(fake, "dev")
    assert result.returncode == 0, result.stderr
    # dev's jobs run the branch develop: the folder is put on it again (a pull)
    assert fake.repo_updates == [("101", {"branch": "develop"})]
    assert f"/Repos/dev/data-platform is on branch develop at {NEW}" in result.stdout
    assert "warning" not in result.stdout
    assert TOKEN not in result.stdout + result.stderr


def test_a_branch_tier_pulls_from_a_checkout_without_git(tmp_path):
    # The step (like its trigger, the jobs' code hash) needs no git history: a source
    # archive or container build context deploys the same way.
    config = copy_config(tmp_path)
    assert not (tmp_path / ".git").exists()
    with FakeDatabricks() as fake:
        fake.repos["101"] = _repo("/Repos/dev/data-platform", "develop")
        fake.remote["develop"] = NEW
        result = _step(fake, "dev", root=tmp_path, config=config)
    assert result.returncode == 0, result.stderr
    assert fake.repo_updates == [("101", {"branch": "develop"})]
    assert "warning" not in result.stdout  # the jobs run the branch: nothing to compare


def test_a_tag_folder_is_checked_out_at_the_tag(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "prod.yaml",
        lambda d: d["databricks"]["git_folders"].update(tag="v1.4.0"),
    )
    with FakeDatabricks() as fake:
        fake.repos["101"] = _repo("/Repos/prod/data-platform")
        fake.remote["v1.4.0"] = NEW
        result = _step(fake, "prod", root=tmp_path, config=config)
    assert result.returncode == 0, result.stderr
    assert fake.repo_updates == [("101", {"tag": "v1.4.0"})]
    assert f"is on tag v1.4.0 at {NEW}" in result.stdout


def test_a_refused_update_fails_the_step_with_one_line_and_exit_1():
    with FakeDatabricks() as fake:
        fake.repos["101"] = _repo("/Repos/dev/data-platform", "develop")
        fake.remote["develop"] = NEW
        fake.repo_denied.add("101")
        result = _step(fake, "dev", real=True)  # as Terraform runs it: exit code, stderr
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "FAILED: Git folder /Repos/dev/data-platform: PATCH /api/2.0/repos/101" in lines[0]
    assert "HTTP 403 PERMISSION_DENIED" in lines[0]
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stdout + result.stderr


def test_a_folder_that_does_not_exist_fails_the_step():
    with FakeDatabricks() as fake:
        fake.remote["develop"] = NEW
        result = _step(fake, "dev", folder="404")
    assert result.returncode == 1
    assert "HTTP 404 RESOURCE_DOES_NOT_EXIST" in result.stderr.strip().splitlines()[-1]


def test_a_commit_pinned_tier_warns_when_its_folder_shows_another_commit():
    # prod's jobs run the commit CD deploys (TF_VAR_databricks_git_commit, passed by the
    # stack as TIERFORM_JOBS_COMMIT); its folder is on main, which has moved on since.
    with FakeDatabricks() as fake:
        fake.repos["101"] = _repo("/Repos/prod/data-platform")
        fake.remote["main"] = NEW
        result = _step(fake, "prod", TIERFORM_JOBS_COMMIT=DEPLOYED, GITHUB_ACTIONS="true")
    assert result.returncode == 0, result.stderr
    assert fake.repo_updates == [("101", {"branch": "main"})]
    assert f"shows {NEW[:12]}, the jobs run {DEPLOYED[:12]}" in result.stdout
    assert "::warning title=Git folder /Repos/prod/data-platform::" in result.stdout


def test_no_warning_when_the_folder_shows_the_deployed_commit():
    with FakeDatabricks() as fake:
        fake.repos["101"] = _repo("/Repos/prod/data-platform")
        fake.remote["main"] = DEPLOYED
        result = _step(fake, "prod", TIERFORM_JOBS_COMMIT=DEPLOYED[:12])
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stdout
    assert f"at {DEPLOYED}" in result.stdout


def test_helix_qa_with_oauth_m2m_under_workspace():
    with FakeDatabricks() as fake:
        fake.repos["101"] = _repo("/Workspace/Shared/helix/qa/helix-platform")
        fake.remote["main"] = DEPLOYED
        result = _step(
            fake,
            "qa",
            root=HELIX_ROOT,
            config=HELIX_CONFIG,
            DATABRICKS_TOKEN="",
            DATABRICKS_CLIENT_ID=CLIENT_ID,
            DATABRICKS_CLIENT_SECRET=CLIENT_SECRET,
            TIERFORM_JOBS_COMMIT=DEPLOYED,
        )
    assert result.returncode == 0, result.stderr
    assert fake.repo_updates == [("101", {"branch": "main"})]
    assert "/Workspace/Shared/helix/qa/helix-platform is on branch main" in result.stdout
    assert CLIENT_SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("tier", "folder", "message"),
    [
        ("local", "101", "tier 'local' has no databricks.git_folders"),
        ("dev", "", "TIERFORM_GIT_FOLDER_ID is not set"),
        ("dev", "1; rm", "is not a Git folder (repo) id"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_without_calling_the_workspace(tier, folder, message):
    with FakeDatabricks() as fake:
        result = _step(fake, tier, folder=folder)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert fake.repo_updates == []


def test_a_commit_pinned_in_config_is_compared_too(tmp_path):
    config = copy_config(tmp_path)
    pin = {"commit": DEPLOYED, "branch": None, "follow": None}
    edit_yaml(config / "tiers" / "dev.yaml", lambda d: d["databricks"].update(git=pin))
    with FakeDatabricks() as fake:
        fake.repos["101"] = _repo("/Repos/dev/data-platform")
        fake.remote["main"] = NEW
        result = _step(fake, "dev", root=tmp_path, config=config)
    assert result.returncode == 0, result.stderr
    # a Git folder cannot check out a commit: it is on main, compared with the pinned one
    assert fake.repo_updates == [("101", {"branch": "main"})]
    assert f"shows {NEW[:12]}, the jobs run {DEPLOYED[:12]}" in result.stdout
