"""The dynamic-block layout the Databricks constructs emit, checked by the real Terraform.

There is no Databricks provider binary here, so the Databricks resources themselves cannot
be validated. The layout they rely on can: a `for_each` resource over heterogeneous objects,
`set_dynamic_blocks` replacing a static block, nested `dynamic` blocks inside `content` with
explicit iterator names, and `lookup(…, null)` for optional attributes. This test builds that
layout with the same helper on an AWS resource with nested blocks (hashicorp/aws 5.100.0 is
in the local provider mirror) and runs `terraform init`, `validate` and `plan` on it (plan
reads nothing from AWS: the resources do not exist yet).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from support import tool_env

pytestmark = pytest.mark.integration

MIRROR = Path("/opt/tf-plugins/registry.terraform.io/hashicorp/aws")


class _Rule:  # the fields of aws_s3_bucket_lifecycle_configuration's `rule` block we use
    def __init__(self, *, id, status, filter=None, expiration=None, transition=None): ...


class _Transition:
    def __init__(self, *, days=None, storage_class): ...


def test_nested_dynamic_blocks_validate(tmp_path):
    if shutil.which("terraform") is None or not MIRROR.is_dir():
        pytest.skip("needs terraform and the hashicorp/aws provider mirror")
    import cdktf

    from tierform.constructs.databricks.dynamic import dynamic, set_dynamic_blocks
    from tierform.constructs.foreach import iterator

    app = cdktf.App(outdir=str(tmp_path / "out"), stack_traces=False)
    stack = cdktf.TerraformStack(app, "layout")
    stack.add_override(
        "terraform.required_providers", {"aws": {"source": "hashicorp/aws", "version": "5.100.0"}}
    )
    # Plan without an AWS account: nothing exists yet, so nothing is read from AWS.
    stack.add_override(
        "provider",
        {
            "aws": {
                "region": "eu-west-1",
                "access_key": "plan-only",
                "secret_key": "plan-only",
                "skip_credentials_validation": True,
                "skip_requesting_account_id": True,
                "skip_metadata_api_check": True,
            }
        },
    )
    it = iterator(
        {
            "LOGS": {
                "bucket": "logs",
                "rules": [
                    {"id": "expire", "days": 30, "transitions": []},
                    {
                        "id": "archive",
                        "days": 365,
                        "transitions": [{"days": 90, "storage_class": "GLACIER"}],
                    },
                ],
            },
            "DATA": {"bucket": "data", "rules": [], "extra": "heterogeneous"},
        }
    )
    resource = cdktf.TerraformResource(
        stack,
        "rules",
        terraform_resource_type="aws_s3_bucket_lifecycle_configuration",
        for_each=it,
    )
    resource.add_override("bucket", "${each.value.bucket}")
    resource.add_override("rule", [{"id": "placeholder", "status": "Enabled"}])
    set_dynamic_blocks(
        resource,
        {
            "rule": dynamic(
                _Rule,
                for_each="${each.value.rules}",
                iterator="rule",
                content={
                    "id": "${rule.value.id}",
                    "status": "Enabled",
                    "filter": {"prefix": '${lookup(rule.value, "prefix", null)}'},
                    "expiration": {"days": "${rule.value.days}"},
                    "dynamic": {
                        "transition": dynamic(
                            _Transition,
                            for_each="${rule.value.transitions}",
                            iterator="step",
                            content={
                                "days": "${step.value.days}",
                                "storage_class": "${step.value.storage_class}",
                            },
                        )
                    },
                },
            )
        },
    )
    app.synth()
    stack_dir = tmp_path / "out" / "stacks" / "layout"
    assert (
        "rule"
        not in json.loads((stack_dir / "cdk.tf.json").read_text())["resource"][
            "aws_s3_bucket_lifecycle_configuration"
        ]["rules"]
    )
    # Mirror only: with `direct {}` as well, init asks the (unreachable) registry too.
    rc = tmp_path / "terraformrc"
    rc.write_text(
        f'provider_installation {{\n  filesystem_mirror {{\n    path = "{MIRROR.parents[2]}"\n  }}\n}}\n'
    )
    env = tool_env(TF_IN_AUTOMATION="1", TF_CLI_CONFIG_FILE=str(rc))
    # validate alone cannot see into dynamic blocks of a for_each resource (each.value is
    # unknown then); plan expands them with the real values.
    for command in (
        ["init", "-input=false"],
        ["validate"],
        ["plan", "-input=false", "-refresh=false", "-out=plan.bin"],
        ["show", "-json", "plan.bin"],
    ):
        run = subprocess.run(
            ["terraform", *command, "-no-color"],
            cwd=stack_dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stdout + run.stderr
    planned = {
        change["index"]: change["change"]["after"]
        for change in json.loads(run.stdout)["resource_changes"]
    }
    assert set(planned) == {"LOGS", "DATA"}
    archive = planned["LOGS"]["rule"][1]
    assert archive["id"] == "archive"
    assert archive["transition"] == [{"date": None, "days": 90, "storage_class": "GLACIER"}]
    assert planned["LOGS"]["rule"][0]["transition"] == []
    assert planned["DATA"]["rule"] == []
