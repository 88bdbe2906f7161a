"""The gate fails closed: a stack checkov cannot parse, a run that scanned nothing, a missing
checkov or output are exit 2, never a silent pass."""

from __future__ import annotations

from policy_support import run_policy, verdicts, write_stack

WAREHOUSE = {"snowflake_warehouse": {"adhoc": {"name": "ADHOC_DEV", "auto_suspend": 60}}}


def test_stack_with_required_version_is_unreadable_exit_2(tmp_path):
    """checkov #7454: `terraform.required_version` makes terraform_json report a parsing
    error, run no check and exit 0. The gate must not pass that."""
    outdir = tmp_path / "cdktf.out"
    write_stack(outdir, "dev", WAREHOUSE)
    write_stack(outdir, "prod", WAREHOUSE, terraform={"required_version": ">= 1.5"})
    result = run_policy("--outdir", str(outdir), "--results", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "could not parse 1 file(s) (stacks: prod)" in result.stdout
    data = verdicts(tmp_path / "r")
    assert data["stacks"]["prod"]["scanned"] == 0
    assert data["stacks"]["dev"]["scanned"] == 1


def test_zero_resources_scanned_exit_2(tmp_path):
    outdir = tmp_path / "cdktf.out"
    write_stack(outdir, "local", {})
    write_stack(outdir, "dev", {})
    result = run_policy("--outdir", str(outdir), "--results", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "scanned zero resources" in result.stdout


def test_missing_output_is_bad_usage(tmp_path):
    result = run_policy("--outdir", str(tmp_path / "nope"), cwd=tmp_path)
    assert result.returncode == 2
    assert "no stacks/ folder" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_checkov_not_runnable_exit_2(tmp_path, monkeypatch):
    outdir = tmp_path / "cdktf.out"
    write_stack(outdir, "dev", WAREHOUSE)
    monkeypatch.setenv("TIERFORM_CHECKOV", str(tmp_path / "no-such-checkov"))
    result = run_policy("--outdir", str(outdir), cwd=tmp_path)
    assert result.returncode == 2
    assert "cannot run checkov" in result.stdout + result.stderr


def test_invalid_stack_json_exit_2(tmp_path):
    path = write_stack(tmp_path / "cdktf.out", "dev", WAREHOUSE)
    path.write_text("{not json")
    result = run_policy("--outdir", str(tmp_path / "cdktf.out"), cwd=tmp_path)
    assert result.returncode == 2
    assert "not valid JSON" in result.stdout + result.stderr


def test_dynamic_block_is_evaluated_not_silently_passed(tmp_path):
    """checkov 3.3.30 crashes on a cdktf `dynamic` block in terraform_json and would report
    nothing for the resource. The checks library works around the crash and renders the
    block from its literal data, so the grant inside it is judged (exit 1), not skipped."""
    outdir = tmp_path / "cdktf.out"
    write_stack(outdir, "dev", WAREHOUSE)
    grants = {
        "schema": "main.x",
        "dynamic": {
            "grant": {
                "for_each": [{"principal": "account users", "privileges": ["ALL_PRIVILEGES"]}],
                "content": {
                    "principal": "${grant.value.principal}",
                    "privileges": "${grant.value.privileges}",
                },
            }
        },
    }
    write_stack(outdir, "prod", {"databricks_grants": {"schema": grants}})
    result = run_policy("--outdir", str(outdir), "--results", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "CKV_TF_DBX_005" in result.stdout
    assert "did not scan" not in result.stdout
    assert "crashed" not in result.stdout
