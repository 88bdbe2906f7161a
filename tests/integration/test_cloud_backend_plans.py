"""A tier with an HCP Terraform `cloud` backend (helix prod) through the workflows' plan and
apply commands: `tierform diff` (the real cdktf CLI's `cdktf diff`), then `tierform apply`
of the reviewed plan.

cdktf plans a cloud stack without `-out`, so before the fix no plan was saved and every PR
and deploy showed the tier as failed. HCP Terraform cannot be reached here: `terraform` on
PATH is tests/fake_terraform_cloud.py, which answers as Terraform does with a cloud backend
(a plan is saved only when -out is given, as a run bookmark). That real Terraform takes
`-out` from TF_CLI_ARGS_plan, where we put it, is checked with real Terraform on a local
stack below.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from release_support import RepoCopy, make_repo_copy
from support import HELIX_CONFIG, REPO, tool_env
from terraform_data_stack import Stack, data

from tierform.gitops import cdktf_cli

pytestmark = pytest.mark.integration

PLAN_JSON = {
    "format_version": "1.2",
    "terraform_version": "1.11.4",
    "resource_changes": [
        {
            "address": "snowflake_database.analytics",
            "type": "snowflake_database",
            "name": "analytics",
            "change": {"actions": ["create"], "before": None, "after": {"name": "ANALYTICS"}},
        }
    ],
}


def fake_terraform(tmp_path: Path) -> dict[str, str]:
    """PATH and settings that put the fake cloud terraform first."""
    real = shutil.which("terraform")
    assert real, "terraform is needed for `terraform version`"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "terraform"
    shim.write_text(
        f'#!/bin/sh\nexec {sys.executable} {REPO / "tests" / "fake_terraform_cloud.py"} "$@"\n'
    )
    shim.chmod(0o755)
    plan_json = tmp_path / "plan.json"
    plan_json.write_text(json.dumps(PLAN_JSON))
    return {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "FAKE_TF_REAL": real,
        "FAKE_TF_LOG": str(tmp_path / "terraform.log"),
        "FAKE_TF_PLAN_JSON": str(plan_json),
    }


def tierform(repo: RepoCopy, *args: str, **env: str):
    return repo.run(
        str(repo.root / ".venv" / "bin" / "python"),
        "-m",
        "tierform",
        *args,
        "--config",
        str(HELIX_CONFIG),
        **env,
    )


def calls(env: dict[str, str], command: str) -> list[dict]:
    lines = Path(env["FAKE_TF_LOG"]).read_text().splitlines()
    return [c for c in map(json.loads, lines) if c["args"][:1] == [command]]


def test_a_cloud_tier_is_planned_reviewed_and_applied(tmp_path):
    repo = make_repo_copy(tmp_path)
    repo.synth(TIERFORM_CONFIG=str(HELIX_CONFIG), TIERFORM_TIERS="prod")
    stack = json.loads((repo.root / "cdktf.out" / "stacks" / "prod" / "cdk.tf.json").read_text())
    assert stack["terraform"]["cloud"]["organization"] == "helix-data"
    env = fake_terraform(tmp_path)

    diff = tierform(repo, "diff", "--tier", "prod", "--skip-synth", "--no-lock", **env)
    assert diff.returncode == 0, (diff.stdout + diff.stderr)[-3000:]
    [plan] = calls(env, "plan")
    assert "-out" not in " ".join(plan["args"])  # cdktf's own arguments, for a cloud stack
    assert plan["TF_CLI_ARGS_plan"].split() == ["-lock=false", "-out=plan"]
    plans = repo.root / "plans"
    status = json.loads((plans / "prod.status.json").read_text())
    assert status == {"tier": "prod", "status": "planned", "error": None}
    assert json.loads((plans / "prod.tfplan").read_text())["run_id"] == "run-fAkE1234"
    assert json.loads((plans / "prod.json").read_text()) == PLAN_JSON  # for policy and comment

    summary = tierform(repo, "plan-summary", "--plans-dir", "plans", "-o", "plans/summary.md")
    assert summary.returncode == 0, summary.stderr
    row = next(x for x in (plans / "summary.md").read_text().splitlines() if "**prod**" in x)
    assert "planned" in row and "failed" not in row, row

    # prod is protected: `apply: reviewed-plan` applies the bookmark the reviewers saw.
    applied = tierform(repo, "apply", "--tier", "prod", "--skip-synth", **env)
    assert applied.returncode == 0, (applied.stdout + applied.stderr)[-3000:]
    assert "apply mode reviewed-plan" in applied.stderr
    [apply] = calls(env, "apply")
    assert apply["args"][-1] == str((plans / "prod.tfplan").resolve())

    stale = tierform(
        repo, "apply", "--tier", "prod", "--skip-synth", FAKE_TF_APPLY="discarded", **env
    )
    assert stale.returncode == 3, stale.stdout + stale.stderr
    assert "is stale" in stale.stderr and "Nothing was applied" in stale.stderr

    none = tierform(
        repo, "apply", "--tier", "prod", "--skip-synth", FAKE_TF_APPLY="no-changes", **env
    )
    assert none.returncode == 0, none.stdout + none.stderr
    assert "has no changes; nothing to apply" in none.stderr

    rerun = tierform(
        repo, "apply", "--tier", "prod", "--skip-synth", FAKE_TF_APPLY="applied", **env
    )
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "was applied already (a re-run of the job); nothing to apply" in rerun.stderr


def test_real_terraform_saves_the_plan_from_the_variable_we_set(tmp_path):
    """cdktf runs `terraform plan -input=false` for a cloud stack; the -out we add through
    TF_CLI_ARGS_plan must reach real Terraform (here on a local-state stack)."""
    stack = Stack(tmp_path / "cdktf.out")
    stack.write({"release": data("v1")})
    stack.init()
    env = {**tool_env(), **cdktf_cli.cli_env("local", lock=False, save_cloud_plan=True)}
    result = subprocess.run(
        ["terraform", "plan", "-input=false", "-no-color"],
        cwd=stack.dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (stack.dir / cdktf_cli.PLAN_FILE).read_bytes()[:4] == b"PK\x03\x04"
