"""The dbt Cloud checks judge each way a dbt Cloud resource can go wrong, through the real
gate and the real checkov (dbt Cloud itself cannot run here: the blocks are written by hand
in the dbt-labs/dbtcloud provider's attribute names, as the synth emits them)."""

from __future__ import annotations

import pytest
from policy_support import run_policy, verdicts, write_stack

KEYPAIR = {
    "project_id": 90001,
    "auth_type": "keypair",
    "num_threads": 4,
    "user": "DBT_DEV",
    "schema": "MARTS",
}
IGNORED = {"lifecycle": {"ignore_changes": ["password", "private_key", "private_key_passphrase"]}}
TOKEN = {"project_id": 90001, "adapter_type": "databricks", "schema": "marts", "catalog": "helix"}
ENV = "${dbtcloud_environment.dbt.environment_id}"
OFF = {"github_webhook": False, "git_provider_webhook": False, "schedule": False, "on_merge": False}


def job(**extra):
    return {
        "project_id": 90001,
        "environment_id": ENV,
        "name": "job",
        "execute_steps": ["dbt build"],
        "triggers": OFF,
        **extra,
    }


# stack → (resources, {check id: [addresses it must name]})
STACKS = {
    "dev-literal-key": (
        {"dbtcloud_snowflake_credential": {"dbt": {**KEYPAIR, **IGNORED, "private_key": "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----"}}},
        {"CKV_TF_DBTC_001": ["dbtcloud_snowflake_credential.dbt"]},
    ),
    "dev-password-variable": (
        {"dbtcloud_snowflake_credential": {"dbt": {**KEYPAIR, **IGNORED, "auth_type": "password", "password": "${var.pw}"}}},
        {"CKV_TF_DBTC_001": ["dbtcloud_snowflake_credential.dbt"]},
    ),
    "dev-key-not-ignored": (
        {"dbtcloud_snowflake_credential": {"dbt": {**KEYPAIR, "lifecycle": {"ignore_changes": ["password"]}}}},
        {"CKV_TF_DBTC_001": ["dbtcloud_snowflake_credential.dbt"]},
    ),
    "dev-literal-token": (
        {"dbtcloud_databricks_credential": {"dbt": {**TOKEN, "token": "dapi0123456789abcdef0123456789abcdef",
                                                     "lifecycle": {"ignore_changes": ["token"]}}}},
        {"CKV_TF_DBTC_001": ["dbtcloud_databricks_credential.dbt"]},
    ),
    "dev-oauth-secret": (
        {"dbtcloud_global_connection": {"dbt": {"name": "c", "databricks": {
            "host": "h.cloud.databricks.com", "http_path": "/sql/1.0/warehouses/1", "client_secret": "s3cr3t"}}}},
        {"CKV_TF_DBTC_001": ["dbtcloud_global_connection.dbt"]},
    ),
    "dev-webhook-deploy": (
        {"dbtcloud_job": {"deploy": job(triggers={**OFF, "github_webhook": True}, deferring_environment_id=ENV)}},
        {"CKV_TF_DBTC_002": ["dbtcloud_job.deploy"]},
    ),
    "staging-ci-no-deferral": (
        {"dbtcloud_job": {"ci": job(triggers={**OFF, "git_provider_webhook": True}, job_type="ci")}},
        {"CKV_TF_DBTC_003": ["dbtcloud_job.ci"]},
    ),
    "staging-ci-legacy-deferral": (
        {"dbtcloud_job": {"ci": job(triggers={**OFF, "github_webhook": True}, job_type="ci", deferring_job_id=12)}},
        # two findings: no environment deferral, and the legacy job deferral
        {"CKV_TF_DBTC_003": ["dbtcloud_job.ci", "dbtcloud_job.ci"]},
    ),
    "staging-as-synthesized": (
        {
            "dbtcloud_snowflake_credential": {"dbt": {**KEYPAIR, **IGNORED}},
            "dbtcloud_databricks_credential": {"dbx": {**TOKEN, "token": "set-by-tierform-release",
                                                       "lifecycle": {"ignore_changes": ["token"]}}},
            "dbtcloud_job": {
                "deploy": job(),
                "ci": job(triggers={**OFF, "github_webhook": True}, job_type="ci", deferring_environment_id=ENV),
            },
        },
        {},
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    root = tmp_path_factory.mktemp("dbtc")
    outdir = root / "cdktf.out"
    for name, (resources, _) in STACKS.items():
        write_stack(outdir, name, resources)
    result = run_policy("--outdir", str(outdir), "--results", str(root / "results"), cwd=root)
    assert result.returncode == 1, result.stdout + result.stderr
    data = verdicts(root / "results")
    assert not data["problems"]
    return data["findings"]


@pytest.mark.parametrize("stack", sorted(STACKS))
def test_each_case_gets_exactly_its_findings(findings, stack):
    expected = STACKS[stack][1]
    mine = [f for f in findings if f["stack"] == stack and f["check"].startswith("CKV_TF_DBTC_")]
    got: dict[str, list[str]] = {}
    for f in mine:
        got.setdefault(f["check"], []).append(f["resource"])
    assert got == expected, mine


def test_security_checks_fail_even_on_dev(findings):
    verdict = {f["check"]: f["verdict"] for f in findings if f["stack"] == "dev-literal-key"}
    assert verdict["CKV_TF_DBTC_001"] == "fail"
