"""The GitOps commands on the real example: synthesize the `local` tier, plan it with
`make plan`'s command, summarize and apply the saved plan (which runs the real release
steps: dbt on DuckDB, DAG publish), then check for drift. Works in its own repo copy."""

from __future__ import annotations

import pytest
from release_support import make_repo_copy

pytestmark = pytest.mark.integration


def test_plan_summary_apply_drift_on_synthesized_local_tier(tmp_path):
    repo = make_repo_copy(tmp_path)
    python = str(repo.root / ".venv" / "bin" / "python")

    def tierform(*args: str):
        return repo.run(python, "-m", "tierform", *args)

    repo.synth()
    plan = tierform("plan", "--tier", "local", "--out", "plans", "--outdir", "cdktf.out")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    summary = tierform("plan-summary", "--plan", "local=plans/local.json")
    assert summary.returncode == 0, summary.stderr
    assert "<summary><b>local</b>" in summary.stdout
    assert "release_dbt" in summary.stdout  # the release steps are part of the reviewed plan
    applied = tierform(
        "apply-plan", "--tier", "local", "--plan", "plans/local.tfplan", "--outdir", "cdktf.out"
    )
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert repo.duckdb_file.is_file()  # the reviewed plan ran the dbt release
    drift = tierform("drift", "--tier", "local", "--outdir", "cdktf.out")
    assert drift.returncode == 0, drift.stdout + drift.stderr  # just applied: in sync
