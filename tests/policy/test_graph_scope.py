"""checkov_checks/tierform_graph_scope.py builds checkov's graph only from the blocks the
selected graph checks read. Real checkov, run twice on the same stack: with the gate's
context (narrowed graph) and without it (checkov's full graph). Every record — graph
checks on the DAG bucket and MWAA environment, our for_each checks, the coverage probe —
must be the same, and a graph check must still fail where it should."""

from __future__ import annotations

import json
import subprocess

import pytest
from policy_support import write_stack
from support import REPO, tool_env

from tierform.policy.catalog import checkov_check_ids
from tierform.policy.checkov_run import CHECKS_DIR, CONTEXT_VARIABLE

CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"

SCHEMAS = {f"S{i:03d}": {"name": f"S{i:03d}", "database": "RAW"} for i in range(60)}
STACK = {
    "snowflake_schema": {"schemas": {
        "for_each": SCHEMAS, "name": "${each.value.name}", "database": "${each.value.database}"}},
    "aws_s3_bucket": {"dags": {"bucket": "northwind-airflow-prod"}},  # no public access block
    "aws_s3_bucket_versioning": {"dags": {
        "bucket": "${aws_s3_bucket.dags.id}", "versioning_configuration": {"status": "Enabled"}}},
    "aws_mwaa_environment": {"airflow": {
        "name": "northwind-prod", "source_bucket_arn": "${aws_s3_bucket.dags.arn}",
        "webserver_access_mode": "PUBLIC_ONLY", "dag_s3_path": "dags",
        "execution_role_arn": "arn:aws:iam::123456789012:role/mwaa"}},
}  # fmt: skip


def _records(stack_file, context: dict | None) -> set[tuple]:
    env = tool_env(LOG_LEVEL="WARNING")
    env.pop(CONTEXT_VARIABLE, None)
    if context is not None:
        env[CONTEXT_VARIABLE] = json.dumps(context)
    result = subprocess.run(
        [str(CHECKOV), "-f", str(stack_file), "--framework", "terraform_json",
         "--skip-download", "--external-checks-dir", str(CHECKS_DIR),
         "--check", ",".join(checkov_check_ids()), "--compact", "-o", "json"],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["parsing_errors"] == 0
    return {
        (kind, r["check_id"], r["resource"], tuple(r["file_line_range"]),
         tuple(r.get("details") or ()))
        for kind in ("passed_checks", "failed_checks")
        for r in report["results"][kind]
    }  # fmt: skip


@pytest.mark.integration
def test_narrowed_graph_gives_the_same_records_as_the_full_graph(tmp_path):
    if not CHECKOV.exists():
        pytest.fail(f"{CHECKOV} is missing: run `make setup` first")
    stack_file = write_stack(tmp_path / "cdktf.out", "prod", STACK)
    context = {"stacks": {"prod": {"kind": "prod", "protected": True}},
               "checks": checkov_check_ids()}  # fmt: skip
    narrowed = _records(stack_file, context)
    full = _records(stack_file, None)
    assert narrowed == full
    failed = {
        (check, resource) for kind, check, resource, *_ in narrowed if kind == "failed_checks"
    }
    # Graph checks still judge the AWS blocks (connections and references rendered).
    assert ("CKV2_AWS_6", "aws_s3_bucket.dags") in failed
    assert ("CKV2_AWS_66", "aws_mwaa_environment.airflow") in failed
    # The probe names each block in its details (checkov says only `resource.<name>`).
    probed = {
        d for _, check, _, _, details in narrowed if check == "CKV_TF_TF_000" for d in details
    }
    assert probed == {f"{rtype}.{name}" for rtype, blocks in STACK.items() for name in blocks}
