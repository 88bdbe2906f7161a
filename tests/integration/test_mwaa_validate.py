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


def _synth_prod_airflow(outdir: Path) -> Path:
    from cdktf import App

    from tierform.config import load_platform
    from tierform.stacks.airflow_stack import AirflowOnlyStack

    tier = load_platform(EXAMPLE_CONFIG).tier("prod")
    app = App(outdir=str(outdir))
    AirflowOnlyStack(app, tier)
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
