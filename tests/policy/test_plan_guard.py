"""Plan-level protection, on plan JSON produced by the real terraform 1.11 with the real
hashicorp/aws 5.100.0 provider from the local mirror.

The plan is made offline: a hand-written state holds two S3 buckets and a release step;
the configuration renames one bucket (a forced replace), drops the other (a delete) and
changes the release step's trigger (a replace of a type that is not a data store).
`-refresh=false` and fake credentials keep AWS out of it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from policy_support import run_policy, verdicts, write_stack
from support import tool_env

MIRROR = Path("/opt/tf-plugins")

pytestmark = pytest.mark.skipif(
    shutil.which("terraform") is None
    or not (MIRROR / "registry.terraform.io/hashicorp/aws").is_dir(),
    reason="needs terraform and the hashicorp/aws provider mirror",
)

CONFIG = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}
provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "fake"
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
resource "aws_s3_bucket" "dags" {
  bucket = "northwind-airflow-prod-v2"
}
resource "terraform_data" "release_dbt" {
  triggers_replace = { content_sha256 = "bbbb" }
}
"""

AWS = 'provider["registry.terraform.io/hashicorp/aws"]'


def _bucket(name: str, bucket: str) -> dict:
    attrs = {"id": bucket, "bucket": bucket, "force_destroy": False, "tags": {}, "tags_all": {}}
    return {"mode": "managed", "type": "aws_s3_bucket", "name": name, "provider": AWS,
            "instances": [{"schema_version": 0, "attributes": attrs}]}  # fmt: skip


STATE = {
    "version": 4,
    "terraform_version": "1.11.4",
    "serial": 1,
    "lineage": "0b5f3a52-6d0e-4c1e-9a53-policy-test",
    "outputs": {},
    "resources": [
        _bucket("dags", "northwind-airflow-prod"),
        _bucket("old_dags", "northwind-airflow-old"),
        {"mode": "managed", "type": "terraform_data", "name": "release_dbt",
         "provider": 'provider["terraform.io/builtin/terraform"]',
         "instances": [{"schema_version": 0, "attributes": {
             "id": "1", "input": None, "output": None,
             "triggers_replace": {"value": {"content_sha256": "aaaa"},
                                  "type": ["object", {"content_sha256": "string"}]}}}]},
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def plan_json(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("plan")
    rc = work / "terraformrc"
    rc.write_text(
        f'provider_installation {{\n  filesystem_mirror {{\n    path = "{MIRROR}"\n  }}\n}}\n'
    )
    (work / "main.tf").write_text(CONFIG)
    (work / "terraform.tfstate").write_text(json.dumps(STATE))
    env = tool_env(TF_CLI_CONFIG_FILE=str(rc), TF_IN_AUTOMATION="1")

    def terraform(*args: str) -> str:
        done = subprocess.run(["terraform", *args], cwd=work, env=env, capture_output=True,
                              text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    terraform("init", "-input=false", "-no-color")
    terraform("plan", "-refresh=false", "-input=false", "-no-color", "-out=plan.bin")
    path = work / "plan.json"
    path.write_text(terraform("show", "-json", "plan.bin"))
    return path


@pytest.fixture(scope="module")
def outdir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gate") / "cdktf.out"
    wh = {
        "snowflake_warehouse": {"adhoc": {"name": "A", "auto_suspend": 60, "resource_monitor": "M"}}
    }
    for stack in ("prod", "dev"):
        write_stack(out, stack, wh)
    return out


def test_terraform_plans_what_the_test_relies_on(plan_json):
    changes = {
        c["address"]: c["change"]["actions"]
        for c in json.loads(plan_json.read_text())["resource_changes"]
    }
    assert changes["aws_s3_bucket.dags"] in (["delete", "create"], ["create", "delete"])
    assert changes["aws_s3_bucket.old_dags"] == ["delete"]
    assert changes["terraform_data.release_dbt"] in (["delete", "create"], ["create", "delete"])


def test_protected_tier_denies_replace_and_delete_of_dag_buckets(plan_json, outdir, tmp_path):
    result = run_policy("--outdir", str(outdir), "--results", str(tmp_path / "r"),
                        "--plan", f"prod={plan_json}", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    plan = verdicts(tmp_path / "r")["plan"]
    assert len(plan) == 2, plan
    assert any("replaces S3 DAG bucket aws_s3_bucket.dags in stack prod" in m for m in plan)
    assert any("deletes S3 DAG bucket aws_s3_bucket.old_dags in stack prod" in m for m in plan)
    assert not any("terraform_data" in m for m in plan)  # release steps are replaced by design
    assert '"ruleId": "TIERFORM_PLAN_001"' in (tmp_path / "r" / "policy.sarif").read_text()
    assert 'type="TIERFORM_PLAN_001"' in (tmp_path / "r" / "policy.junit.xml").read_text()


def test_unprotected_tier_allows_it(plan_json, outdir, tmp_path):
    result = run_policy("--outdir", str(outdir), "--results", str(tmp_path / "r"),
                        "--plan", f"dev={plan_json}", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_plan_of_unknown_stack_is_treated_as_protected(plan_json, outdir, tmp_path):
    result = run_policy("--outdir", str(outdir), "--results", str(tmp_path / "r"),
                        "--plan", str(plan_json), cwd=tmp_path)  # fmt: skip
    assert result.returncode == 1
    assert "treated as protected" in result.stdout


def test_not_a_plan_is_exit_2(outdir, tmp_path):
    bogus = tmp_path / "prod.plan.json"
    bogus.write_text('{"hello": 1}')
    result = run_policy("--outdir", str(outdir), "--plan", str(bogus), cwd=tmp_path)
    assert result.returncode == 2
    assert "not a `terraform show -json` plan" in result.stdout + result.stderr
