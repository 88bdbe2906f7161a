"""The gate re-checks every protected data store the guardrail guards (one type list,
tierform/policy/checkov_checks/tierform_data_stores.py): a prod Databricks catalog or S3
bucket without prevent_destroy fails CKV_TF_SF_004, not only Snowflake's. Real checkov."""

from __future__ import annotations

from policy_support import run_policy, verdicts, write_stack

KEEP = {"lifecycle": {"prevent_destroy": True}}
STORES = {
    "databricks_catalog": {"catalog": {"name": "helix_prod"}},
    "databricks_schema": {"schemas": {"catalog_name": "helix_prod", "name": "raw"}},
    "aws_s3_bucket": {"dags": {"bucket": "helix-flow-prod"}},
}


def test_unguarded_catalog_schema_and_bucket_fail_the_gate_in_prod(tmp_path):
    outdir = tmp_path / "cdktf.out"
    write_stack(outdir, "prod", STORES)
    guarded = {t: {n: {**b, **KEEP} for n, b in blocks.items()} for t, blocks in STORES.items()}
    write_stack(outdir, "prod-guarded", guarded)
    result = run_policy("--outdir", str(outdir), "--results", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    findings = verdicts(tmp_path / "r")["findings"]
    failed = {(f["stack"], f["resource"]) for f in findings if f["check"] == "CKV_TF_SF_004"}
    assert failed == {
        ("prod", "databricks_catalog.catalog"),
        ("prod", "databricks_schema.schemas"),
        ("prod", "aws_s3_bucket.dags"),
    }
