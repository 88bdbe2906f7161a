"""checkov's built-in S3 and MWAA checks on a DAG bucket and an MWAA environment written the
way cdktf writes them (references as `${aws_s3_bucket.dags.id}`): every curated built-in
runs (the graph checks connect the bucket to its versioning and public access block), all
pass on a well-configured pair, and the bucket checks fail on a bare bucket."""

from __future__ import annotations

import json

import pytest
from policy_support import run_policy, verdicts, write_stack

from tierform.policy.catalog import CHECKS


def _log() -> dict:
    return {"enabled": True, "log_level": "INFO"}


BUCKET = {"aws_s3_bucket": {"dags": {"bucket": "northwind-airflow-prod"}}}
# Protected data stores carry prevent_destroy in prod (CKV_TF_SF_004).
KEEP = {"lifecycle": {"prevent_destroy": True}}
WELL_CONFIGURED = {
    "aws_s3_bucket": {"dags": {**BUCKET["aws_s3_bucket"]["dags"], **KEEP}},
    "aws_s3_bucket_versioning": {"dags": {
        "bucket": "${aws_s3_bucket.dags.id}", "versioning_configuration": {"status": "Enabled"}}},
    "aws_s3_bucket_public_access_block": {"dags": {
        "bucket": "${aws_s3_bucket.dags.id}", "block_public_acls": True, "block_public_policy": True,
        "ignore_public_acls": True, "restrict_public_buckets": True}},
    "aws_mwaa_environment": {"airflow": {
        "name": "northwind-prod", "source_bucket_arn": "${aws_s3_bucket.dags.arn}", **KEEP,
        "dag_s3_path": "dags", "execution_role_arn": "arn:aws:iam::123456789012:role/mwaa",
        "webserver_access_mode": "PRIVATE_ONLY",
        "network_configuration": {"security_group_ids": ["sg-1"], "subnet_ids": ["subnet-1", "subnet-2"]},
        "logging_configuration": {name: _log() for name in (
            "dag_processing_logs", "scheduler_logs", "task_logs", "webserver_logs", "worker_logs")}}},
}  # fmt: skip


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("aws")
    outdir = root / "cdktf.out"
    write_stack(outdir, "prod", WELL_CONFIGURED)
    write_stack(outdir, "staging", BUCKET)
    result = run_policy("--outdir", str(outdir), "--results", str(root / "r"), cwd=root)
    raw = json.loads((root / "r" / "checkov.json").read_text())
    report = raw[0] if isinstance(raw, list) else raw
    return result, verdicts(root / "r"), report


def test_every_curated_builtin_runs_and_passes_on_a_well_configured_pair(run):
    _, data, report = run
    passed_on_prod = {
        r["check_id"] for r in report["results"]["passed_checks"] if "/prod/" in r["file_abs_path"]
    }
    # The AWS ones: this pair is MWAA + S3 (Composer's GCP ones: test_composer_builtins.py).
    builtins = {
        c.id for c in CHECKS if c.builtin and any(t.startswith("aws_") for t in c.resources)
    }
    assert builtins <= passed_on_prod, builtins - passed_on_prod
    assert [f for f in data["findings"] if f["stack"] == "prod"] == []


def test_bare_bucket_fails_versioning_and_public_access_block(run):
    result, data, _ = run
    assert result.returncode == 1
    failed = {(f["check"], f["resource"]) for f in data["findings"] if f["stack"] == "staging"}
    assert ("CKV_AWS_21", "aws_s3_bucket.dags") in failed
    assert ("CKV2_AWS_6", "aws_s3_bucket.dags") in failed
