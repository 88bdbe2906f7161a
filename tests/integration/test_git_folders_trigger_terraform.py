"""The Git folders release step's trigger under the real terraform: on prod (jobs run the
deployed commit) a deploy of a new commit replaces (re-runs) the step, a plan of the same
commit is a no-op; on dev (the folder follows a branch) a change to a file the jobs run
replaces it, an unchanged checkout or a change to an unrelated file plans nothing.

The step blocks are as synthesized; only what cannot exist here is swapped: the
Databricks folder id reference becomes a literal (no workspace, no provider) and the command
appends to a file instead of calling the Repos API. `terraform_data` is built into Terraform,
so this runs offline."""

from __future__ import annotations

import json
import subprocess

import cdktf
from support import EXAMPLE_CONFIG, copy_config, tool_env

from tierform.config import load_platform
from tierform.release.triggers import tier_triggers
from tierform.stacks.tier_stack import TierStack

A = "a" * 40
B = "b" * 40


def _step(config=EXAMPLE_CONFIG, tier="prod") -> dict:
    platform = load_platform(config)
    stack = TierStack(
        cdktf.App(stack_traces=False),
        platform.tier(tier),
        release=tier_triggers(platform, platform.tier(tier)),
    )
    return json.loads(cdktf.Testing.synth(stack))["resource"]["terraform_data"][
        "release_git_folders"
    ]


def _tf(workdir, *args, check=True):
    result = subprocess.run(
        ["terraform", *args, "-input=false", "-no-color"],
        cwd=workdir,
        env=tool_env(TF_IN_AUTOMATION="1"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and result.returncode not in (0, 2):
        raise AssertionError(f"terraform {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result


def test_a_new_commit_reruns_the_step_and_the_same_commit_plans_nothing(tmp_path):
    step = _step()
    assert step["triggers_replace"]["jobs_commit"] == "${var.databricks_git_commit}"
    step.pop("depends_on")  # the folder and jobs are not in this stack
    step.pop("//", None)
    step["triggers_replace"]["folder_id"] = "101"
    step["provisioner"] = [
        {
            "local-exec": {
                "command": 'echo "$TIERFORM_JOBS_COMMIT" >> runs.txt',
                "environment": {"TIERFORM_JOBS_COMMIT": "${var.databricks_git_commit}"},
            }
        }
    ]
    doc = {
        "terraform": {"required_version": ">= 1.5"},
        "variable": {"databricks_git_commit": {"type": "string"}},
        "resource": {"terraform_data": {"release_git_folders": step}},
    }
    (tmp_path / "main.tf.json").write_text(json.dumps(doc))
    _tf(tmp_path, "init")

    def apply(commit):
        _tf(tmp_path, "apply", "-auto-approve", f"-var=databricks_git_commit={commit}")

    def plan_exit(commit):  # -detailed-exitcode: 0 no changes, 2 changes
        return _tf(
            tmp_path, "plan", "-detailed-exitcode", f"-var=databricks_git_commit={commit}"
        ).returncode

    apply(A)
    assert plan_exit(A) == 0  # PR plans and drift plan the deployed commit: nothing to do
    assert plan_exit(B) == 2  # the next deploy
    apply(B)
    apply(B)  # applying the same commit again does not refresh again
    assert (tmp_path / "runs.txt").read_text().split() == [A, B]


def _dev_doc(config) -> str:
    """dev's step as synthesized from `config`, runnable offline: it appends its code hash."""
    step = _step(config, "dev")
    step.pop("depends_on")
    step.pop("//", None)
    step["triggers_replace"]["folder_id"] = "101"
    step["provisioner"] = [
        {
            "local-exec": {
                "command": 'echo "$CODE" >> runs.txt',
                "environment": {"CODE": step["triggers_replace"]["jobs_code_sha256"]},
            }
        }
    ]
    doc = {
        "terraform": {"required_version": ">= 1.5"},
        "resource": {"terraform_data": {"release_git_folders": step}},
    }
    return json.dumps(doc)


def test_a_branch_tier_reruns_the_step_only_when_code_its_jobs_run_changes(tmp_path):
    config = copy_config(tmp_path / "checkout")
    checkout = config.parent
    work = tmp_path / "tf"
    work.mkdir()

    def synth():  # what CD or a PR plan synthesizes from the checkout as it is now
        (work / "main.tf.json").write_text(_dev_doc(config))

    def plan_exit():  # -detailed-exitcode: 0 no changes, 2 changes
        return _tf(work, "plan", "-detailed-exitcode").returncode

    synth()
    _tf(work, "init")
    _tf(work, "apply", "-auto-approve")  # content A
    synth()
    assert plan_exit() == 0  # the same code: PR plans and drift show no change
    (checkout / "README.md").write_text("a merge that touches no job\n")
    synth()
    assert plan_exit() == 0
    notebook = checkout / "examples" / "databricks" / "notebooks" / "ingest_orders.py"
    notebook.write_text(notebook.read_text() + "\n# the next deploy changes a notebook\n")
    synth()
    assert plan_exit() == 2
    assert "must be replaced" in _tf(work, "plan").stdout  # the step is replaced: it re-runs
    _tf(work, "apply", "-auto-approve")
    synth()
    assert plan_exit() == 0
    runs = (work / "runs.txt").read_text().split()
    assert len(runs) == 2 and runs[0] != runs[1]  # refreshed for A, then for the notebook
