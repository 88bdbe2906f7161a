"""The gate on the example platform, synthesized for real: it passes as shipped, and a
config change that breaks a policy fails with the check ID and the instance named."""

from __future__ import annotations

import pytest
from policy_support import run_policy, verdicts
from support import EXAMPLE_CONFIG, copy_config, edit_yaml, run_synth


@pytest.fixture(scope="module")
def example_out(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("example") / "cdktf.out"
    result = run_synth(EXAMPLE_CONFIG, outdir)
    assert result.returncode == 0, result.stderr
    return outdir


def test_example_platform_passes(example_out, tmp_path):
    results = tmp_path / "results"
    result = run_policy(
        "--outdir", str(example_out), "--config", str(EXAMPLE_CONFIG), "--results", str(results)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    data = verdicts(results)
    assert data["stacks"]["prod"]["kind"] == "prod" and data["stacks"]["prod"]["protected"]
    assert data["stacks"]["dev-alice"]["kind"] == "dev"
    for name, stack in data["stacks"].items():
        assert stack["scanned"] == stack["resources"], name
    assert data["stacks"]["prod"]["passed"] > 0
    for name in ("policy.sarif", "policy.junit.xml", "policy.json", "checkov.json"):
        assert (results / name).is_file()


def test_prod_warehouse_that_never_sleeps_fails_the_gate(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "prod.yaml",
        lambda d: d["snowflake"]["warehouses"]["REPORTING"].update(auto_suspend=3600),
    )
    outdir = tmp_path / "cdktf.out"
    synth = run_synth(config, outdir, TIERFORM_TIERS="prod")
    assert synth.returncode == 0, synth.stderr
    result = run_policy(
        "--outdir", str(outdir), "--config", str(config), "--results", str(tmp_path / "r")
    )
    assert result.returncode == 1, result.stdout
    findings = verdicts(tmp_path / "r")["findings"]
    assert [(f["check"], f["stack"], f["resource"], f["verdict"]) for f in findings] == [
        ("CKV_TF_SF_001", "prod", 'snowflake_warehouse.warehouses["REPORTING"]', "fail")
    ]
    assert "3600 s, above the prod limit of 600 s" in findings[0]["message"]
