"""`databricks.git_folders`: a workspace Git folder (databricks_repo) per tier on its ref and
per developer sandbox on the developer's branch, synthesized with cdktf.Testing.

No Databricks workspace or provider binary is reachable here (see
test_databricks_constructs.py): attribute names come from the provider's typed binding
(`Repo`), values are asserted below."""

from __future__ import annotations

import json

import cdktf
import pytest
from support import EXAMPLE_CONFIG, HELIX_CONFIG, copy_config, edit_yaml

from tierform.config import ConfigError, load_platform
from tierform.config.job_sources import job_paths, runs_file
from tierform.release.content import files_sha256
from tierform.release.triggers import git_folders_triggers, jobs_code_files, tier_triggers
from tierform.stacks.sandbox_stack import SandboxStack
from tierform.stacks.tier_stack import TierStack

URL = "https://github.com/northwind/data-platform"


def _synth(config, *, tiers=(), sandboxes=()) -> dict[str, dict]:
    """The stacks as main.py builds them: with their release steps' triggers."""
    platform = load_platform(config)
    app = cdktf.App(stack_traces=False)
    out = {
        t: json.loads(
            cdktf.Testing.synth(
                TierStack(app, platform.tier(t), release=tier_triggers(platform, platform.tier(t)))
            )
        )
        for t in tiers
    }
    for box in platform.sandboxes:
        if box.stack in sandboxes:
            out[box.stack] = json.loads(cdktf.Testing.synth(SandboxStack(app, box)))
    return out


@pytest.fixture(scope="module")
def example():
    return _synth(
        EXAMPLE_CONFIG,
        tiers=("dev", "prod", "staging", "local"),
        sandboxes=("dev-alice", "dev-bob"),
    )


@pytest.fixture(scope="module")
def helix():
    return _synth(HELIX_CONFIG, tiers=("qa", "prod"))


def _folder(stack: dict) -> dict:
    return stack["resource"]["databricks_repo"]["git_folder"]


def test_a_tier_folder_follows_the_branch_its_jobs_run(example):
    folder = _folder(example["dev"])
    assert folder["url"] == URL and folder["git_provider"] == "gitHub"
    assert folder["path"] == "/Repos/dev/data-platform"
    assert folder["branch"] == "develop"
    assert "lifecycle" not in folder  # the tier's folder is put back on its ref


def test_a_tier_whose_jobs_run_a_commit_gets_main_not_a_commit(example):
    # A Git folder cannot check out a commit (the Repos API takes a branch or tag).
    folder = _folder(example["prod"])
    assert folder["branch"] == "main" and folder["path"] == "/Repos/prod/data-platform"
    assert "commit_hash" not in folder and "tag" not in folder


def test_developer_folders_start_on_their_branch_and_may_switch(example):
    alice, bob = _folder(example["dev-alice"]), _folder(example["dev-bob"])
    assert alice["path"] == "/Repos/alice@northwind.example/data-platform"
    assert alice["branch"] == "alice/work"
    assert bob["branch"] == "develop"  # no git_branch: the dev tier folder's branch
    assert alice["lifecycle"] == {"ignore_changes": ["branch"]}


def test_helix_qa_has_a_folder_under_workspace_and_prod_none(helix):
    folder = _folder(helix["qa"])
    assert folder["path"] == "/Workspace/Shared/helix/qa/helix-platform"
    assert folder["git_provider"] == "gitLab" and folder["branch"] == "main"
    assert "databricks_repo" not in helix["prod"]["resource"]


# --- the release step that keeps the tier's folder on the code the jobs run ----------------


def _step(stack: dict) -> dict | None:
    return ((stack.get("resource") or {}).get("terraform_data") or {}).get("release_git_folders")


FOLDER_ID = "${databricks_repo.git_folder.id}"
JOBS_COMMIT = "${var.databricks_git_commit}"


def test_the_step_exists_only_on_tiers_with_git_folders(example, helix):
    assert all(_step(example[t]) for t in ("dev", "prod", "staging"))
    assert _step(example["local"]) is None  # no databricks section
    assert _step(helix["qa"]) is not None
    assert _step(helix["prod"]) is None  # Databricks, but no git_folders
    for sandbox in ("dev-alice", "dev-bob"):  # developers' folders are theirs: never pulled
        assert "terraform_data" not in example[sandbox].get("resource", {})


def test_the_step_runs_after_the_folder_and_the_jobs_not_the_dbt_or_dag_steps(example, helix):
    for stack in (example["prod"], example["dev"], helix["qa"]):
        step = _step(stack)
        assert step["depends_on"] == ["databricks_repo.git_folder", "databricks_job.jobs"]
        command = step["provisioner"][0]["local-exec"]["command"]
        assert "-m tierform.release git-folders --tier" in command


def test_a_tier_whose_jobs_run_the_deployed_commit_refreshes_on_each_new_commit(example, helix):
    # The trigger is the commit the jobs run (the variable CD sets): a deploy of a new commit
    # replaces the step, a plan of the same commit (PR plans, drift) leaves it alone.
    for tier, stack in (
        ("prod", example["prod"]),
        ("staging", example["staging"]),
        ("qa", helix["qa"]),
    ):
        step = _step(stack)
        assert step["triggers_replace"] == {
            "folder_id": FOLDER_ID,
            "jobs_commit": JOBS_COMMIT,
            "ref": "branch:main",
            "tier": tier,
        }
        assert step["provisioner"][0]["local-exec"]["environment"] == {
            "TIERFORM_GIT_FOLDER_ID": FOLDER_ID,
            "TIERFORM_JOBS_COMMIT": JOBS_COMMIT,
        }


def test_a_branch_tier_refreshes_when_the_code_its_jobs_run_changes(example):
    platform = load_platform(EXAMPLE_CONFIG)
    step = _step(example["dev"])
    assert step["triggers_replace"] == {
        "folder_id": FOLDER_ID,
        "jobs_code_sha256": files_sha256(jobs_code_files(platform, platform.tier("dev"))),
        "ref": "branch:develop",
        "tier": "dev",
    }
    assert step["provisioner"][0]["local-exec"]["environment"] == {
        "TIERFORM_GIT_FOLDER_ID": FOLDER_ID
    }


def test_the_hashed_files_are_what_the_jobs_run_with_repository_paths(tmp_path):
    # The same files the databricks-runs check matches a PR against: each notebook (named
    # without its extension), spark_python file and dbt project folder, no build output.
    platform = load_platform(EXAMPLE_CONFIG)
    files = dict(jobs_code_files(platform, platform.tier("dev")))
    assert "examples/databricks/notebooks/ingest_orders.py" in files
    assert "examples/databricks/jobs/optimize_tables.py" in files
    assert "examples/dbt/dbt_project.yml" in files
    assert not any(
        f.startswith(("examples/dbt/target/", "examples/dbt/dbt_packages/")) for f in files
    )
    assert not any(f.startswith(("/", "README", "config/")) for f in files)  # no machine paths
    for name in files:
        job_file = any(
            runs_file(name, path, folder)
            for job in platform.tier("dev").databricks.jobs.values()
            for path, folder in job_paths(job, "").values()
        )
        assert job_file, name
    # The same content in another checkout hashes the same (paths are repository-relative).
    config = copy_config(tmp_path)
    copy = load_platform(config)
    assert git_folders_triggers(copy, copy.tier("dev")) == git_folders_triggers(
        platform, platform.tier("dev")
    )


def _dev_hash(config) -> str:
    platform = load_platform(config)
    return git_folders_triggers(platform, platform.tier("dev"))["jobs_code_sha256"]


def test_a_job_file_changes_the_trigger_an_unrelated_file_does_not(tmp_path):
    config = copy_config(tmp_path)
    before = _dev_hash(config)
    (tmp_path / "README.md").write_text("edited\n")
    (tmp_path / "examples" / "dbt" / "target").mkdir(exist_ok=True)
    (tmp_path / "examples" / "dbt" / "target" / "manifest.json").write_text("{}")
    assert _dev_hash(config) == before  # not run by a job, or build output
    notebook = tmp_path / "examples" / "databricks" / "notebooks" / "ingest_orders.py"
    notebook.write_text(notebook.read_text() + "\n# changed\n")
    after_notebook = _dev_hash(config)
    assert after_notebook != before
    model = tmp_path / "examples" / "dbt" / "models" / "staging" / "stg_orders.sql"
    model.write_text(model.read_text() + "\n-- changed\n")
    assert _dev_hash(config) not in (before, after_notebook)  # a dbt task's project


def test_a_missing_job_file_is_a_config_error_before_any_trigger(tmp_path):
    config = copy_config(tmp_path)
    (tmp_path / "examples" / "databricks" / "notebooks" / "ingest_orders.py").unlink()
    with pytest.raises(ConfigError) as err:
        load_platform(config)
    assert "notebook 'examples/databricks/notebooks/ingest_orders' does not exist" in str(err.value)


def test_a_path_without_its_file_hashes_as_absent(tmp_path):
    # Reached only by a config loaded without its checkout (validation refuses it first).
    absent = files_sha256([("notebooks/x", None)])
    (tmp_path / "x").write_bytes(b"")
    assert absent != files_sha256([]) and absent != files_sha256([("notebooks/x", tmp_path / "x")])


def test_helix_on_a_branch_hashes_git_root_paths_of_its_monorepo_subfolder():
    # helix lives in tests/fixtures/platforms/helix: the jobs' paths carry that subfolder.
    platform = load_platform(HELIX_CONFIG)
    qa = platform.tier("qa")
    git = qa.databricks.git.model_copy(update={"follow": None, "branch": "develop"})
    tier = qa.model_copy(update={"databricks": qa.databricks.model_copy(update={"git": git})})
    files = [name for name, _ in jobs_code_files(platform, tier)]
    base = "tests/fixtures/platforms/helix"
    assert files == [f"{base}/notebooks/audit.py", f"{base}/notebooks/compact.py"]
    triggers = git_folders_triggers(platform, tier)
    assert triggers["ref"] == "branch:develop" and len(triggers["jobs_code_sha256"]) == 64


def test_a_commit_pinned_in_config_is_part_of_the_trigger(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "dev.yaml",
        lambda d: d["databricks"].update(git={"branch": None, "follow": None, "commit": "a" * 40}),
    )
    platform = load_platform(config)
    triggers = git_folders_triggers(platform, platform.tier("dev"))
    assert triggers["jobs_commit"] == "a" * 40 and "jobs_code_sha256" in triggers


def test_a_tag_folder_refreshes_only_when_the_tag_changes(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "dev.yaml", lambda d: d["databricks"].update(git_folders={"tag": "v3"})
    )
    platform = load_platform(config)
    assert git_folders_triggers(platform, platform.tier("dev")) == {"tier": "dev", "ref": "tag:v3"}


def test_tag_and_sparse_checkout_from_config(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "prod.yaml",
        lambda d: d["databricks"]["git_folders"].update(
            tag="v2.0.0", sparse_checkout=["examples/databricks"], sandboxes=False
        ),
    )
    # No sandbox folders, so no developer names a git_branch (checked).
    edit_yaml(config / "tiers" / "dev.yaml", lambda d: d["developers"][0].pop("git_branch"))
    out = _synth(config, tiers=("prod",), sandboxes=("dev-alice",))
    folder = _folder(out["prod"])
    assert folder["tag"] == "v2.0.0" and "branch" not in folder
    assert folder["sparse_checkout"] == {"patterns": ["examples/databricks"]}
    assert "databricks_repo" not in out["dev-alice"]["resource"]


@pytest.mark.parametrize(
    ("tier", "edit", "message"),
    [
        (
            "prod",
            lambda d: d["databricks"]["git_folders"].update(parent="/Repos/team"),
            "prod.yaml: databricks.git_folders.parent: '/Repos/team' is not a Git folders' "
            "parent: expected /Repos",
        ),
        (
            "prod",
            lambda d: d["databricks"]["git_folders"].update(branch="main", tag="v1"),
            "prod.yaml: databricks.git_folders: set branch or tag, not both",
        ),
        (
            "prod",
            lambda d: d["databricks"]["git_folders"].update(name="a/b"),
            "prod.yaml: databricks.git_folders.name: 'a/b' is not a folder name",
        ),
        (
            "dev",
            lambda d: d["developers"][1].update(git_branch="bob/x", databricks_user=None),
            "dev.yaml: developers.1.git_branch: is the branch of the developer's Databricks "
            "Git folder: it needs a databricks_user",
        ),
    ],
)
def test_bad_git_folder_settings_name_the_file_and_field(tmp_path, tier, edit, message):
    config = copy_config(tmp_path)
    edit_yaml(config / "tiers" / f"{tier}.yaml", edit)
    with pytest.raises(ConfigError) as err:
        load_platform(config)
    assert message in str(err.value)
