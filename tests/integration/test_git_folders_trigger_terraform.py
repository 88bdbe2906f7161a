"""The Git folders release step's trigger under the real terraform: a deploy of a new commit
replaces (re-runs) the step, a plan of the same commit is a no-op.

The step block is prod's, as synthesized; only what cannot exist here is swapped: the
Databricks folder id reference becomes a literal (no workspace, no provider) and the command
appends to a file instead of calling the Repos API. `terraform_data` is built into Terraform,
so this runs offline."""

from __future__ import annotations

import json
import subprocess

import cdktf
from support import EXAMPLE_CONFIG, tool_env

from tierform.config import load_platform
from tierform.release.triggers import tier_triggers
from tierform.stacks.tier_stack import TierStack

A = "a" * 40
B = "b" * 40


def _prod_step() -> dict:
    platform = load_platform(EXAMPLE_CONFIG)
    stack = TierStack(
        cdktf.App(stack_traces=False),
        platform.tier("prod"),
        release=tier_triggers(platform, platform.tier("prod")),
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
    step = _prod_step()
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
