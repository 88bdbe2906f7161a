"""Per-tier severity (security fails everywhere; cost/hygiene warn on dev and local) and
suppressions from the versioned file, each with a validated reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from policy_support import run_policy, verdicts, write_stack

from tierform.policy.checkov_run import CheckovReport
from tierform.policy.findings import evaluate
from tierform.policy.stacks import StackInfo


def warehouses(auto_suspend: int) -> dict:
    return {
        "snowflake_warehouse": {
            "warehouses": {
                "for_each": {
                    "LOADING": {"name": "LOADING", "auto_suspend": 60},
                    "REPORTING": {"name": "REPORTING", "auto_suspend": auto_suspend},
                },
                "name": "${each.value.name}",
                "auto_suspend": "${each.value.auto_suspend}",
                "resource_monitor": "MONITOR",
            }
        }
    }


PASSWORD_USER = {"snowflake_user": {"people": {"name": "ALICE", "password": "Hunter2-Hunter2"}}}


@pytest.fixture
def outdir(tmp_path) -> Path:
    out = tmp_path / "cdktf.out"
    # auto_suspend 300 s: fine in prod (≤ 600), too long for staging and dev (≤ 60).
    for stack in ("prod", "staging", "dev", "dev-alice"):
        write_stack(out, stack, warehouses(300))
    return out


def test_cost_check_fails_in_staging_warns_in_dev(tmp_path, outdir):
    result = run_policy("--outdir", str(outdir), "--results", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    found = {(f["stack"], f["verdict"]) for f in verdicts(tmp_path / "r")["findings"]}
    assert found == {("staging", "fail"), ("dev", "warn"), ("dev-alice", "warn")}


def test_security_check_fails_in_dev(tmp_path):
    out = tmp_path / "cdktf.out"
    write_stack(out, "dev", PASSWORD_USER)
    result = run_policy("--outdir", str(out), "--results", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 1
    assert "CKV_TF_SF_005" in result.stdout


def test_dev_warnings_alone_pass(tmp_path):
    out = tmp_path / "cdktf.out"
    write_stack(out, "dev", warehouses(300))
    result = run_policy("--outdir", str(out), "--results", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "1 warning(s)" in result.stdout


def _suppress(tmp_path: Path, text: str) -> Path:
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "policy-suppressions.yaml").write_text(text)
    return config


def test_instance_suppression_with_reason_passes(tmp_path, outdir):
    _suppress(
        tmp_path,
        """
suppressions:
  - check: CKV_TF_SF_001
    resource: snowflake_warehouse.warehouses["REPORTING"]
    stacks: [staging]
    reason: BI extracts run every 4 minutes on staging; suspending between them costs more.
""",
    )
    result = run_policy("--outdir", str(outdir), "--results", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    staging = [f for f in verdicts(tmp_path / "r")["findings"] if f["stack"] == "staging"]
    assert [f["verdict"] for f in staging] == ["suppressed"]
    assert staging[0]["reason"].startswith("BI extracts")
    sarif = (tmp_path / "r" / "policy.sarif").read_text()
    assert '"justification": "BI extracts' in sarif


def test_suppression_of_another_instance_does_not_apply(tmp_path, outdir):
    _suppress(
        tmp_path,
        """
suppressions:
  - check: CKV_TF_SF_001
    resource: snowflake_warehouse.warehouses["LOADING"]
    reason: LOADING is fed by a stream and must stay warm during business hours.
""",
    )
    result = run_policy("--outdir", str(outdir), "--results", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 1
    assert "matched nothing: remove it" in result.stdout


def test_suppression_without_reason_is_exit_2(tmp_path, outdir):
    _suppress(
        tmp_path,
        """
suppressions:
  - check: CKV_TF_SF_001
    resource: snowflake_warehouse.warehouses
""",
    )
    result = run_policy("--outdir", str(outdir), cwd=tmp_path)
    assert result.returncode == 2
    out = result.stdout + result.stderr
    assert "policy-suppressions.yaml: suppressions.0.reason: required field is missing" in out
    assert "Traceback" not in out


def test_expired_suppression_no_longer_applies():
    """Pure logic over a crafted checkov report (the gate's own bookkeeping)."""
    from tierform.policy.suppressions import Suppression

    stack = StackInfo("prod", Path("/x/prod/cdk.tf.json"), "prod", True, {"a.b": 3}, "name")
    report = CheckovReport(
        summary={"parsing_errors": 0},
        passed=[{"check_id": "CKV_TF_TF_000", "file_abs_path": "/x/prod/cdk.tf.json",
                 "file_line_range": [3, 9], "details": ["a.b"]}],
        failed=[{"check_id": "CKV_TF_SF_002", "file_abs_path": "/x/prod/cdk.tf.json",
                 "file_line_range": [3, 9], "details": ["no resource_monitor"]}],
        parsing_errors=[], raw={}, stderr="",
    )  # fmt: skip
    entry = Suppression(
        check="CKV_TF_SF_002",
        resource="a.b",
        reason="Temporary: monitor moves to the new account next sprint.",
        expires=dt.date(2026, 1, 31),
    )
    before = evaluate(report, [stack], [entry], today=dt.date(2026, 1, 1))
    after = evaluate(report, [stack], [entry], today=dt.date(2026, 2, 1))
    assert [f.verdict for f in before.findings] == ["suppressed"]
    assert [f.verdict for f in after.findings] == ["fail"]
    assert any("expired" in note for note in after.notes)


def test_resource_checkov_did_not_scan_is_a_problem():
    """A declared resource without the coverage probe's record means checkov skipped it."""
    stack = StackInfo(
        "prod", Path("/x/prod/cdk.tf.json"), "prod", True, {"a.b": 3, "a.c": 12}, "name"
    )
    report = CheckovReport(
        summary={"parsing_errors": 0},
        passed=[{"check_id": "CKV_TF_TF_000", "file_abs_path": "/x/prod/cdk.tf.json",
                 "file_line_range": [3, 9], "details": ["a.b"]}],
        failed=[], parsing_errors=[], raw={}, stderr="",
    )  # fmt: skip
    evaluation = evaluate(report, [stack], [])
    assert evaluation.problems == ["stack prod: checkov did not scan 1 of 2 resources (a.c)"]
