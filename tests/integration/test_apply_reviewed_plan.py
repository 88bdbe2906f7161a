"""`tierform plan` / `apply-plan` / `drift` with the real terraform on a terraform_data stack
laid out as synth lays it out (<outdir>/stacks/<tier>/cdk.tf.json)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support import REPO, copy_config, tool_env
from terraform_data_stack import Stack, data

pytestmark = pytest.mark.integration


def tierform(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tierform", *args],
        cwd=REPO, env=tool_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture
def stack(tmp_path):
    s = Stack(tmp_path / "cdktf.out")
    s.write({"a": data("one")})
    s.init()
    s.apply()
    return s


def test_plan_saves_plan_and_json_then_apply_plan_applies_it(stack, tmp_path):
    stack.write({"a": data("two"), "b": data("new")})
    plans = tmp_path / "plans"
    result = tierform("plan", "--tier", "local", "--out", str(plans), "--outdir", str(stack.outdir))
    assert result.returncode == 0, result.stderr
    assert "local: has changes" in result.stderr
    plan = json.loads((plans / "local.json").read_text())
    actions = {rc["address"]: rc["change"]["actions"] for rc in plan["resource_changes"]}
    assert actions == {"terraform_data.a": ["update"], "terraform_data.b": ["create"]}
    result = tierform(
        "apply-plan",
        "--tier",
        "local",
        "--plan",
        str(plans / "local.tfplan"),
        "--outdir",
        str(stack.outdir),
    )
    assert result.returncode == 0, result.stderr
    state = json.loads(stack.tf("show", "-json").stdout)
    inputs = {
        r["address"]: r["values"]["input"] for r in state["values"]["root_module"]["resources"]
    }
    assert inputs == {"terraform_data.a": "two", "terraform_data.b": "new"}


def test_stale_plan_fails_clearly_and_applies_nothing(stack, tmp_path):
    plans = tmp_path / "reviewed"
    stack.write({"a": data("reviewed")})
    assert (
        tierform(
            "plan", "--tier", "local", "--out", str(plans), "--outdir", str(stack.outdir)
        ).returncode
        == 0
    )
    # Meanwhile another apply changes the state.
    stack.write({"a": data("someone-else")})
    stack.apply()
    result = tierform(
        "apply-plan",
        "--tier",
        "local",
        "--plan",
        str(plans / "local.tfplan"),
        "--outdir",
        str(stack.outdir),
    )
    assert result.returncode == 3
    assert "is stale: the state of 'local' changed after this plan was made" in result.stderr
    assert "Nothing was applied" in result.stderr and "Traceback" not in result.stderr
    state = json.loads(stack.tf("show", "-json").stdout)
    assert state["values"]["root_module"]["resources"][0]["values"]["input"] == "someone-else"


def test_apply_plan_without_synth_or_plan_file(tmp_path):
    result = tierform(
        "apply-plan", "--tier", "prod", "--plan", "x.tfplan", "--outdir", str(tmp_path)
    )
    assert result.returncode == 1
    assert "no synthesized stack 'prod'" in result.stderr


def test_drift_exit_codes_and_report(stack, tmp_path):
    report = tmp_path / "drift" / "local.md"
    config = copy_config(tmp_path / "repo")  # its own (empty) ledger: no deployed commit known
    args = ["drift", "--tier", "local", "--outdir", str(stack.outdir), "--report", str(report)]
    args += ["--config", str(config)]
    in_sync = tierform(*args)
    assert in_sync.returncode == 0, in_sync.stderr
    assert not report.exists()
    # The state no longer matches the configuration (as after a change behind Terraform's back).
    stack.write({"a": data("one"), "extra": data("x")})
    drifted = tierform(*args, "--run-url", "https://ci.example/run/1")
    assert drifted.returncode == 2, drifted.stderr
    text = report.read_text()
    assert text.startswith("<!-- tierform:drift:local -->")
    assert "- add: `terraform_data.extra`" in text
    assert "[this run](https://ci.example/run/1)" in text
    stack.write({"a": data("one")})  # back in sync: the old report goes away
    assert tierform(*args).returncode == 0
    assert not report.exists()


def test_changes_merged_after_the_deployed_commit_are_pending_not_drift(stack, tmp_path):
    """Drift compares with the commit the tier last deployed (from its ledger)."""
    config = copy_config(tmp_path / "repo")
    deployed, newer = "a" * 40, "b" * 40
    recorded = subprocess.run(
        [sys.executable, "-m", "tierform.release", "record-deployment", "--tier", "local",
         "--outcome", "success", "--commit", deployed, "--root", str(config.parent)],
        cwd=REPO, env=tool_env(), capture_output=True, text=True,
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    stack.write({"a": data("one"), "merged": data("not yet promoted")})
    report = tmp_path / "drift.md"
    args = [sys.executable, "-m", "tierform", "drift", "--tier", "local", "--outdir",
            str(stack.outdir), "--config", str(config), "--report", str(report)]  # fmt: skip

    def drift(checked_out: str):
        # Run from the copy's root, where the deployment was recorded (its .tierform/).
        return subprocess.run(
            args,
            cwd=config.parent,
            env=tool_env(GITHUB_SHA=checked_out),
            capture_output=True,
            text=True,
        )

    pending = drift(newer)
    assert pending.returncode == 0, pending.stderr
    assert f"1 change(s) pending since the deployed commit {deployed[:12]}" in pending.stderr
    assert not report.exists()
    same = drift(deployed)  # on the deployed commit, the same difference is drift
    assert same.returncode == 2, same.stderr
    assert "- add: `terraform_data.merged`" in report.read_text()
