"""The MWAA environment of the example's prod tier against the real AWS provider schema:
synthesize a stack holding only it (prod's own stack also holds Snowflake, whose provider
binary does not exist here), `terraform init` from the filesystem mirror that `make setup`
configures (.tierform/terraformrc), then `terraform validate`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from support import EXAMPLE_CONFIG, REPO, tool_env

pytestmark = pytest.mark.integration

TERRAFORMRC = REPO / ".tierform" / "terraformrc"


@pytest.fixture(scope="module")
def terraform():
    path = shutil.which("terraform")
    if path is None:
        pytest.fail("terraform is not on PATH; Tierform needs Terraform >= 1.5")
    if not TERRAFORMRC.is_file():
        pytest.fail(f"{TERRAFORMRC} is missing: run `make setup` (or `make test`) first")
    return path


def _synth_prod_airflow(outdir: Path, config: Path = EXAMPLE_CONFIG) -> Path:
    from cdktf import App

    from tierform.config import load_platform
    from tierform.release.artifact import airflow_install_files
    from tierform.stacks.airflow_stack import AirflowOnlyStack

    platform = load_platform(config)
    tier = platform.tier("prod")
    app = App(outdir=str(outdir))
    AirflowOnlyStack(app, tier, files=airflow_install_files(platform, tier))
    app.synth()
    return outdir / "stacks" / "prod-airflow"


def _terraform(terraform: str, stack: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [terraform, *args, "-no-color"],
        cwd=stack,
        env=tool_env(TF_IN_AUTOMATION="1"),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def prod_airflow_stack(tmp_path_factory) -> Path:
    stack = _synth_prod_airflow(tmp_path_factory.mktemp("mwaa") / "cdktf.out")
    resources = json.loads((stack / "cdk.tf.json").read_text())["resource"]
    assert "aws_mwaa_environment" in resources and "aws_s3_bucket" in resources
    assert "airflow_requirements" in resources["aws_s3_object"]
    return stack


def _init(terraform: str, stack: Path) -> None:
    init = _terraform(terraform, stack, "init", "-input=false")
    assert init.returncode == 0, init.stdout + init.stderr
    # The provider came from the mirror, at the version the constraint must admit.
    lock = (stack / ".terraform.lock.hcl").read_text()
    assert 'provider "registry.terraform.io/hashicorp/aws"' in lock
    assert 'version     = "5.100.0"' in lock


def test_prod_mwaa_environment_is_valid_for_aws_provider_5_100(terraform, prod_airflow_stack):
    _init(terraform, prod_airflow_stack)
    validate = _terraform(terraform, prod_airflow_stack, "validate", "-json")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    report = json.loads(validate.stdout)
    assert report["valid"] is True, report["diagnostics"]
    assert report["warning_count"] == 0, report["diagnostics"]


def test_two_mwaa_environments_in_one_stack_are_valid(terraform, tmp_path):
    """A library user's stack with two MWAA environments (the second with an address
    prefix): two aws provider blocks, the second aliased, each environment's resources on
    its own. Before, both blocks had no alias: "Duplicate provider configuration"."""
    from cdktf import App, TerraformStack

    from tierform.constructs import AirflowEnvironment, AirflowEnvironmentProps

    airflow = {
        "flavor": "mwaa", "region": "eu-west-1", "airflow_version": "3.0.6",
        "network": {"subnet_ids": ["subnet-0a1b2c3d", "subnet-0a1b2c3e"],
                    "security_group_ids": ["sg-0a1b2c3d"]},
    }  # fmt: skip
    app = App(outdir=str(tmp_path / "cdktf.out"))
    stack = TerraformStack(app, "two")
    AirflowEnvironment(stack, "qa", AirflowEnvironmentProps(tier="qa", airflow=airflow))
    AirflowEnvironment(
        stack, "uat", AirflowEnvironmentProps(tier="uat", address_prefix="uat", airflow=airflow)
    )
    app.synth()
    folder = tmp_path / "cdktf.out" / "stacks" / "two"
    _init(terraform, folder)
    validate = _terraform(terraform, folder, "validate", "-json")
    report = json.loads(validate.stdout)
    assert validate.returncode == 0 and report["valid"] is True, report["diagnostics"]


def test_misspelled_attribute_fails_validation_naming_it(terraform, prod_airflow_stack, tmp_path):
    """The schema check is real: one wrong attribute name in the emitted JSON is caught."""
    broken = tmp_path / "broken"
    broken.mkdir()
    data = json.loads((prod_airflow_stack / "cdk.tf.json").read_text())
    env = data["resource"]["aws_mwaa_environment"]["airflow"]
    env["enviroment_class"] = env.pop("environment_class")
    (broken / "cdk.tf.json").write_text(json.dumps(data))
    _init(terraform, broken)
    validate = _terraform(terraform, broken, "validate")
    assert validate.returncode == 1, validate.stdout + validate.stderr
    assert 'No argument or block type is named "enviroment_class"' in validate.stderr
    assert "resource.aws_mwaa_environment.airflow" in validate.stderr


def _point_at_moto(stack: Path, endpoint: str) -> None:
    """An override file (merged into the provider block) sends the AWS provider to moto's
    server: S3 and STS are real APIs there; nothing reaches AWS."""
    provider = {
        "region": "eu-west-1",
        "access_key": "testing",
        "secret_key": "testing",
        "skip_credentials_validation": True,
        "skip_requesting_account_id": True,
        "skip_metadata_api_check": True,
        "s3_use_path_style": True,
        "endpoints": [{"s3": endpoint, "sts": endpoint, "iam": endpoint}],
    }
    (stack / "moto_override.tf.json").write_text(json.dumps({"provider": {"aws": [provider]}}))
    _without_tls_policy(stack)


def _without_tls_policy(stack: Path) -> None:
    """moto enforces bucket policies and its server speaks plain HTTP, so the DAG bucket's
    TLS-only policy would (rightly) deny every upload: the test stack leaves it out."""
    path = stack / "cdk.tf.json"
    data = json.loads(path.read_text())
    data["resource"].pop("aws_s3_bucket_policy")
    for blocks in data["resource"].values():
        for block in blocks.values():
            if "depends_on" in block:
                block["depends_on"] = [
                    d for d in block["depends_on"] if not d.startswith("aws_s3_bucket_policy.")
                ]
    path.write_text(json.dumps(data))


def _plan(terraform: str, stack: Path) -> dict:
    plan = _terraform(terraform, stack, "plan", "-input=false", "-out=tfplan")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    show = subprocess.run(
        [terraform, "show", "-json", "tfplan"],
        cwd=stack,
        env=tool_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert show.returncode == 0, show.stderr
    return {c["address"]: c["change"] for c in json.loads(show.stdout)["resource_changes"]}


def test_changed_requirements_change_the_planned_object_version(terraform, tmp_path):
    """Terraform owns requirements.txt: the object is applied to a real S3 API (moto's
    server on 127.0.0.1; moto has no MWAA, so only the object and its bucket are applied),
    then a changed requirements file plans a new object version, which MWAA's
    requirements_s3_object_version follows; an unchanged file plans the stored version."""
    from object_servers import moto_s3_server
    from support import copy_config, copy_examples

    config = copy_config(tmp_path)
    copy_examples(tmp_path)
    requirements = tmp_path / "examples" / "airflow" / "requirements.txt"
    stack = _synth_prod_airflow(tmp_path / "out", config)
    with moto_s3_server() as env:
        _point_at_moto(stack, env["AWS_ENDPOINT_URL_S3"])
        _init(terraform, stack)
        apply = _terraform(
            terraform, stack, "apply", "-auto-approve", "-input=false",
            "-target=aws_s3_object.airflow_requirements",
        )  # fmt: skip
        assert apply.returncode == 0, apply.stdout + apply.stderr
        pulled = subprocess.run(
            [terraform, "state", "pull"], cwd=stack, env=tool_env(), capture_output=True,
            text=True, timeout=120,
        )  # fmt: skip
        assert pulled.returncode == 0, pulled.stderr
        state = json.loads(pulled.stdout)
        stored = next(
            r["instances"][0]["attributes"]["version_id"]
            for r in state["resources"]
            if r["type"] == "aws_s3_object"
        )
        assert stored

        same = _plan(terraform, stack)
        assert same["aws_s3_object.airflow_requirements"]["actions"] == ["no-op"]
        pinned = same["aws_mwaa_environment.airflow"]["after"]
        assert pinned["requirements_s3_object_version"] == stored
        assert pinned["requirements_s3_path"] == "requirements.txt"

        requirements.write_text(requirements.read_text() + "pendulum>=3\n")
        fresh = _synth_prod_airflow(tmp_path / "out2", config)
        shutil.copy(fresh / "cdk.tf.json", stack / "cdk.tf.json")
        _without_tls_policy(stack)
        changed = _plan(terraform, stack)
        obj = changed["aws_s3_object.airflow_requirements"]
        assert obj["actions"] == ["update"]
        assert obj["after_unknown"].get("version_id") is True  # a new version on apply
        mwaa = changed["aws_mwaa_environment.airflow"]
        assert mwaa["after_unknown"].get("requirements_s3_object_version") is True
