"""The gate's terminal report stays readable on a big platform: a check failing on every
instance of a large for_each map, or a plan deleting thousands of schemas, prints the first
MAX_SHOWN findings of each kind and one line counting the rest by check; the result files
(policy.json, SARIF, JUnit) still hold every finding. Real checkov on a hand-written stack;
the plan JSON is generated in Terraform's format (Snowflake cannot run here)."""

from __future__ import annotations

import json

from fixtures import WAREHOUSE, foreach
from policy_support import run_policy, verdicts, write_stack

from tierform.policy.report import MAX_SHOWN

FAILING = MAX_SHOWN + 30  # warehouses auto-suspending after 900 s fail CKV_TF_SF_001
DELETES = MAX_SHOWN + 40


def _plan(path, deletes=DELETES):
    changes = [
        {"address": f'snowflake_schema.schemas["RAW.S{i:04d}"]', "mode": "managed",
         "type": "snowflake_schema", "name": "schemas",
         "change": {"actions": ["delete"], "before": {"name": f"S{i:04d}"}, "after": None}}
        for i in range(deletes)
    ]  # fmt: skip
    path.write_text(json.dumps({"format_version": "1.2", "resource_changes": changes}))
    return path


def test_the_terminal_shows_the_first_findings_and_counts_the_rest(tmp_path):
    warehouses = {
        f"W{i:04d}": {"name": f"W{i:04d}_PROD", "auto_suspend": 900} for i in range(FAILING)
    }
    outdir = tmp_path / "cdktf.out"
    write_stack(
        outdir, "prod", {"snowflake_warehouse": {"warehouses": foreach(warehouses, **WAREHOUSE)}}
    )
    results = tmp_path / "r"
    result = run_policy("--outdir", str(outdir), "--results", str(results),
                        "--plan", f"prod={_plan(tmp_path / 'prod.json')}", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert out.count("CKV_TF_SF_001") == MAX_SHOWN + 1  # the rows, and the line counting the rest
    assert (
        "… and 30 more (CKV_TF_SF_001 fail in prod ×30); every finding is in r/policy.json" in out
    )
    assert out.count("PLAN TIERFORM_PLAN_001") == MAX_SHOWN
    assert "… and 40 more (TIERFORM_PLAN_001 in prod ×40); every finding is in r/policy.json" in out
    assert f"{FAILING + DELETES} failure(s)" in out
    found = verdicts(results)
    assert sum(f["check"] == "CKV_TF_SF_001" for f in found["findings"]) == FAILING
    assert len(found["plan"]) == DELETES
    sarif = json.loads((results / "policy.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == FAILING + DELETES


def test_one_tiers_thousands_never_hide_another_tiers_finding(tmp_path):
    outdir = tmp_path / "cdktf.out"
    for stack in ("uat", "prod"):  # both protected (prod-like names, no config)
        write_stack(outdir, stack, {"snowflake_warehouse": {"adhoc": {
            "name": "A", "auto_suspend": 60, "resource_monitor": "M"}}})  # fmt: skip
    result = run_policy("--outdir", str(outdir), "--results", str(tmp_path / "r"),
                        "--plan", f"uat={_plan(tmp_path / 'uat.json')}",
                        "--plan", f"prod={_plan(tmp_path / 'prod.json', deletes=1)}",
                        cwd=tmp_path)  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert 'snowflake_schema.schemas["RAW.S0000"] in stack prod' in out
    assert out.count("in stack uat") == MAX_SHOWN
    assert "… and 40 more (TIERFORM_PLAN_001 in uat ×40)" in out
