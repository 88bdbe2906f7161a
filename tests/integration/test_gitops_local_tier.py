"""The GitOps commands on the real example: synthesize the `local` tier, plan it with
`make plan`'s command, summarize and apply the saved plan, then check for drift."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support import EXAMPLE_CONFIG, REPO, run_synth, tool_env

pytestmark = pytest.mark.integration


def tierform(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tierform", *args],
        cwd=REPO, env=tool_env(), capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_plan_summary_apply_drift_on_synthesized_local_tier(tmp_path):
    outdir = tmp_path / "cdktf.out"
    synth = run_synth(EXAMPLE_CONFIG, outdir, TIERFORM_TIERS="local")
    assert synth.returncode == 0, synth.stderr
    plans = tmp_path / "plans"
    plan = tierform("plan", "--tier", "local", "--out", str(plans), "--outdir", str(outdir))
    assert plan.returncode == 0, plan.stdout + plan.stderr
    summary = tierform("plan-summary", "--plan", f"local={plans / 'local.json'}")
    assert summary.returncode == 0, summary.stderr
    assert "<summary><b>local</b>" in summary.stdout
    applied = tierform(
        "apply-plan",
        "--tier",
        "local",
        "--plan",
        str(plans / "local.tfplan"),
        "--outdir",
        str(outdir),
    )
    assert applied.returncode == 0, applied.stdout + applied.stderr
    drift = tierform("drift", "--tier", "local", "--outdir", str(outdir))
    assert drift.returncode == 0, drift.stdout + drift.stderr  # just applied: in sync
