"""CKV_TF_SEC_001 (real checkov): every secret shape of the hostile suite is flagged in any
resource type, a library user's own included, as a plain attribute, inside a nested block,
as a for_each value (named by its instance) and as a for_each key (named without the key),
and the secret itself appears nowhere in the gate's output. References, content hashes and
a Secrets Manager ARN pass; release steps are left to CKV_TF_REL_001 (one finding, not two)."""

from __future__ import annotations

import json
from pathlib import Path

from hostile_values import SECRETS
from policy_support import run_policy, verdicts, write_stack

CHECK = "CKV_TF_SEC_001"
CLEAN = {
    "reference": "${var.api_secret}",
    "hash": "a" * 64,
    "arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:tierform/prod/connections/x",
}


def _gate(tmp_path: Path, resources: dict) -> tuple[object, dict, str]:
    outdir = tmp_path / "cdktf.out"
    write_stack(outdir, "dev-secrets", resources)
    result = run_policy("--outdir", str(outdir), "--results", str(tmp_path / "r"), cwd=tmp_path)
    written = "".join(p.read_text() for p in (tmp_path / "r").rglob("*") if p.is_file())
    return result, verdicts(tmp_path / "r"), result.stdout + result.stderr + written


def test_every_secret_shape_is_flagged_in_any_resource(tmp_path: Path):
    values = {f"S_{name}": {"value": value} for name, value in SECRETS.items()}
    values |= {f"C_{name}": {"value": value} for name, value in CLEAN.items()}
    resources = {
        # A library user's own resource type, next to Tierform's.
        "aws_ssm_parameter": {
            "params": {"for_each": values, "name": "${each.key}", "value": "${each.value.value}"},
            "plain": {"name": "plain", "value": SECRETS["github_classic"]},
            "clean": {"name": "clean", "value": CLEAN["arn"]},
        },
        "databricks_job": {
            "nested": {
                "name": "n",
                "task": [
                    {
                        "task_key": "t",
                        "notebook_task": [
                            {
                                "notebook_path": "/x",
                                "base_parameters": {"NEUTRAL": SECRETS["aws_access_key_id"]},
                            }
                        ],
                    }
                ],
            },
        },
        "snowflake_tag": {
            "by_key": {
                "for_each": {SECRETS["github_classic"]: {"name": "X"}},
                "name": "${each.value.name}",
            },
        },
        "terraform_data": {
            "release_step": {
                "triggers_replace": {
                    "content_sha256": "0" * 64,
                    "token_in_input": SECRETS["github_classic"],
                }
            },
        },
    }
    result, data, everything = _gate(tmp_path, resources)
    assert result.returncode == 1, everything[-3000:]
    mine = [f for f in data["findings"] if f["check"] == CHECK]
    flagged = {f["resource"] for f in mine}
    expected = {f'aws_ssm_parameter.params["S_{name}"]' for name in SECRETS}
    expected |= {"aws_ssm_parameter.plain", "databricks_job.nested", "snowflake_tag.by_key"}
    assert flagged == expected, sorted(flagged ^ expected)
    assert all(f["verdict"] == "fail" for f in mine)  # security: fails in dev too
    nested = next(f for f in mine if f["resource"] == "databricks_job.nested")
    assert "task.notebook_task.base_parameters.NEUTRAL holds an AWS key id" in json.dumps(nested)
    # The release step is CKV_TF_REL_001's alone.
    release = {
        f["check"] for f in data["findings"] if f["resource"] == "terraform_data.release_step"
    }
    assert release == {"CKV_TF_REL_001"}
    # What the gate printed and wrote never holds the secret (long values: a sample's
    # first 12 characters may be a common prefix such as `-----BEGIN `).
    for name, value in SECRETS.items():
        for line in value.splitlines():
            if len(line) >= 24:
                assert line not in everything, name


def test_example_like_values_pass(tmp_path: Path):
    values = {f"C_{name}": {"value": value} for name, value in CLEAN.items()}
    resources = {
        "aws_ssm_parameter": {
            "params": {"for_each": values, "name": "${each.key}", "value": "${each.value.value}"}
        }
    }
    _, data, everything = _gate(tmp_path, resources)
    assert [f for f in data["findings"] if f["check"] == CHECK] == [], everything[-2000:]
