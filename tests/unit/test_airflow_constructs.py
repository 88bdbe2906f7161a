"""Airflow constructs synthesized: MWAA resources per tier, the typed generic layer, and the
Astronomer deployment (its provider binary is not available here: synth-level checks only)."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError
from support import EXAMPLE_CONFIG, shared_synth, stack_json

from tierform.config import load_platform
from tierform.config.tier import TierSpec


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return shared_synth("example", tmp_path_factory)  # the run's one synth of the example


def test_mwaa_environment_per_tier_with_tier_sizes(out):
    prod = stack_json(out, "prod")["resource"]["aws_mwaa_environment"]["airflow"]
    staging = stack_json(out, "staging")["resource"]["aws_mwaa_environment"]["airflow"]
    assert (prod["name"], prod["environment_class"], prod["max_workers"]) == (
        "northwind-airflow-prod",
        "mw1.medium",
        10,
    )
    assert (staging["environment_class"], staging["min_workers"], staging["max_workers"]) == (
        "mw1.small",
        1,
        3,
    )
    assert prod["airflow_version"] == "3.0.6"
    assert prod["dag_s3_path"] == "dags"
    assert prod["webserver_access_mode"] == "PRIVATE_ONLY"
    assert prod["source_bucket_arn"] == "${aws_s3_bucket.airflow_dags.arn}"
    assert prod["execution_role_arn"] == "${aws_iam_role.airflow_execution.arn}"
    assert prod["network_configuration"]["subnet_ids"] == [
        "subnet-0a1b2c3d4e5f60001",
        "subnet-0a1b2c3d4e5f60002",
    ]
    logs = prod["logging_configuration"]
    assert sorted(logs) == [
        "dag_processing_logs",
        "scheduler_logs",
        "task_logs",
        "webserver_logs",
        "worker_logs",
    ]
    assert all(block["enabled"] for block in logs.values())


def test_mwaa_environment_waits_for_its_execution_role_policy_and_bucket(out):
    # The ARN reference orders only the role itself: without the inline policy MWAA would
    # create the environment with a role that may not read the bucket or write logs.
    for tier in ("staging", "prod"):
        env = stack_json(out, tier)["resource"]["aws_mwaa_environment"]["airflow"]
        assert "aws_iam_role_policy.airflow_execution" in env["depends_on"], env["depends_on"]
        assert "aws_s3_bucket_versioning.airflow_dags" in env["depends_on"], env["depends_on"]


def test_prod_bucket_and_environment_cannot_be_destroyed_staging_can(out):
    prod = stack_json(out, "prod")["resource"]
    staging = stack_json(out, "staging")["resource"]
    for rtype in ("aws_s3_bucket", "aws_mwaa_environment"):
        (prod_block,) = prod[rtype].values()
        (staging_block,) = staging[rtype].values()
        assert prod_block["lifecycle"] == {"prevent_destroy": True}
        assert "lifecycle" not in staging_block


def test_bucket_is_private_versioned_encrypted_and_tls_only(out):
    res = stack_json(out, "prod")["resource"]
    assert res["aws_s3_bucket"]["airflow_dags"]["bucket"] == "northwind-airflow-prod"
    versioning = res["aws_s3_bucket_versioning"]["airflow_dags"]
    assert versioning["versioning_configuration"] == {"status": "Enabled"}
    block = res["aws_s3_bucket_public_access_block"]["airflow_dags"]
    assert all(block[k] is True for k in ("block_public_acls", "block_public_policy"))
    sse = res["aws_s3_bucket_server_side_encryption_configuration"]["airflow_dags"]["rule"][0]
    assert sse["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"
    policy = json.loads(res["aws_s3_bucket_policy"]["airflow_dags"]["policy"])
    (deny,) = policy["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_execution_role_reads_the_bucket_and_writes_only_its_logs(out):
    res = stack_json(out, "prod")["resource"]
    policy = json.loads(res["aws_iam_role_policy"]["airflow_execution"]["policy"])
    actions = {
        action
        for st in policy["Statement"]
        for action in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])
    }
    assert not any(a.startswith("s3:Put") or a.startswith("s3:Delete") for a in actions)
    assert "*" not in actions
    by_sid = {st["Sid"]: st for st in policy["Statement"]}
    assert by_sid["ReadDagBucket"]["Resource"] == [
        "${aws_s3_bucket.airflow_dags.arn}",
        "${aws_s3_bucket.airflow_dags.arn}/*",
    ]
    assert by_sid["WriteOwnLogs"]["Resource"].endswith(
        ":log-group:airflow-northwind-airflow-prod-*"
    )
    trust = json.loads(res["aws_iam_role"]["airflow_execution"]["assume_role_policy"])
    assert trust["Statement"][0]["Principal"]["Service"] == [
        "airflow.amazonaws.com",
        "airflow-env.amazonaws.com",
    ]


def test_aws_provider_constraint_admits_the_mirrored_version(out):
    data = stack_json(out, "prod")
    assert data["terraform"]["required_providers"]["aws"] == {
        "source": "hashicorp/aws",
        "version": "~> 5.100",
    }
    (provider,) = data["provider"]["aws"]
    assert provider["region"] == "eu-west-1"
    assert not {"access_key", "secret_key", "token", "profile"} & set(provider)


def test_local_tier_has_no_aws(out):
    data = stack_json(out, "local")
    assert "aws" not in json.dumps(data.get("terraform", {}).get("required_providers", {}))
    # only the release steps (terraform_data, built into Terraform): no cloud resource
    assert set(data.get("resource", {})) <= {"terraform_data"}


def test_outputs_for_the_release_and_operators(out):
    outputs = stack_json(out, "prod")["output"]
    assert (
        outputs["airflow_webserver_url"]["value"] == "${aws_mwaa_environment.airflow.webserver_url}"
    )
    assert outputs["airflow_dag_bucket"]["value"] == "northwind-airflow-prod"


def _synth_tier(tier: TierSpec):
    from cdktf import Testing

    from tierform.stacks.airflow_stack import AirflowOnlyStack

    stack = AirflowOnlyStack(Testing.app(), tier)
    return stack, json.loads(Testing.synth(stack))


def test_construct_exposes_dag_target_and_release_dependencies():
    tier = load_platform(EXAMPLE_CONFIG).tier("prod")
    stack, _ = _synth_tier(tier)
    airflow = stack.airflow
    assert airflow.dag_target == tier.airflow.dag_target("prod")
    types = sorted(r.terraform_resource_type for r in airflow.release_dependencies)
    assert types == [
        "aws_mwaa_environment",
        "aws_s3_bucket",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_versioning",
    ]
    assert airflow.release_environment == {}


def test_local_flavor_construct_has_nothing_to_wait_for():
    tier = load_platform(EXAMPLE_CONFIG).tier("local")
    stack, data = _synth_tier(tier)
    assert stack.airflow.release_dependencies == []
    assert stack.airflow.dag_target.kind == "local"
    # only the release steps (terraform_data, built into Terraform): no cloud resource
    assert set(data.get("resource", {})) <= {"terraform_data"}


def _astronomer_tier(**extra) -> TierSpec:
    airflow = {
        "flavor": "astronomer",
        "organization_id": "clorg",
        "workspace_id": "clws",
        "cloud_provider": "AWS",
        "region": "us-east-1",
        "runtime_version": "3.0-1",
        "worker_queues": {"default": {"max_worker_count": 4}, "heavy": {"astro_machine": "A10"}},
        **extra,
    }
    return TierSpec.model_validate({"name": "prod", "kind": "prod", "airflow": airflow})


def test_astronomer_deployment_through_the_typed_layer():
    stack, data = _synth_tier(_astronomer_tier())
    assert data["terraform"]["required_providers"]["astro"] == {
        "source": "astronomer/astro",
        "version": "~> 1.0",
    }
    assert data["provider"]["astro"] == [{"organization_id": "clorg"}]
    dep = data["resource"]["astro_deployment"]["airflow"]
    assert dep["name"] == "airflow-prod"
    assert (dep["type"], dep["cloud_provider"], dep["region"]) == ("STANDARD", "AWS", "us-east-1")
    assert dep["original_astro_runtime_version"] == "3.0-1"
    assert dep["is_dag_deploy_enabled"] is True
    assert dep["is_cicd_enforced"] is True
    assert dep["lifecycle"] == {
        "prevent_destroy": True,
        "ignore_changes": ["environment_variables"],
    }
    assert "cluster_id" not in dep
    queues = {q["name"]: q for q in dep["worker_queues"]}
    assert queues["default"]["is_default"] and queues["default"]["max_worker_count"] == 4
    assert queues["heavy"]["astro_machine"] == "A10" and not queues["heavy"]["is_default"]
    # The release step gets the id of the deployment this stack creates.
    env = stack.airflow.release_environment
    assert list(env) == ["ASTRO_DEPLOYMENT_ID"]
    assert data["output"]["airflow_deployment_id"]["value"] == "${astro_deployment.airflow.id}"


def test_astronomer_pinned_deployment_id_needs_no_stack_reference():
    stack, _ = _synth_tier(_astronomer_tier(deployment_id="cldep1"))
    assert stack.airflow.release_environment == {}
    assert stack.airflow.dag_target.location == "cldep1"


def test_typed_layer_rejects_unknown_and_mistyped_attributes():
    from tierform.constructs.aws.mwaa import ModuleLogging
    from tierform.constructs.aws.s3 import S3Bucket

    with pytest.raises(ValidationError, match="bukcet"):
        S3Bucket(bukcet="x")
    with pytest.raises(ValidationError, match="log_level"):
        ModuleLogging(log_level="LOUD")
    assert S3Bucket(bucket="x").attributes() == {"bucket": "x", "force_destroy": False}
