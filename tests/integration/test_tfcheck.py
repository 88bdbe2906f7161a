"""`tierform tfcheck`: every synthesized stack of the example and of the second platform is
valid Terraform (real `terraform init -backend=false` offline with the provider mirror, and
`terraform validate` where every provider is at hand), and the check fails on a broken
validation condition or a reference to a resource that does not exist."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support import HELIX_CONFIG, PLATFORMS, REPO, run_tierform, shared_synth

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", params=sorted(PLATFORMS))
def platform_out(request, tmp_path_factory) -> Path:
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH; Tierform needs Terraform >= 1.5")
    return shared_synth(request.param, tmp_path_factory)


def _stacks(outdir: Path) -> list[str]:
    return sorted(p.name for p in (outdir / "stacks").iterdir())


def test_every_stack_passes(platform_out):
    result = run_tierform("tfcheck", "--outdir", str(platform_out))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert sorted(lines) == _stacks(platform_out)
    # The terraform_data-only local tier has every provider it needs: fully validated.
    assert lines["local"] == "ok, validated"
    assert all(not v.startswith("error") for v in lines.values())


def _copy(outdir: Path, tmp_path: Path, stack: str) -> tuple[Path, dict]:
    copy = tmp_path / "cdktf.out"
    shutil.copytree(outdir / "stacks" / stack, copy / "stacks" / stack)
    path = copy / "stacks" / stack / "cdk.tf.json"
    return copy, json.loads(path.read_text())


def _write(outdir: Path, stack: str, data: dict) -> None:
    (outdir / "stacks" / stack / "cdk.tf.json").write_text(json.dumps(data))


def test_a_condition_without_template_braces_fails(platform_out, tmp_path):
    """The prod bug of issue 10: a validation condition written as a literal string."""
    outdir, data = _copy(platform_out, tmp_path, "prod")
    rule = data["variable"]["databricks_git_commit"]["validation"][0]
    rule["condition"] = rule["condition"].removeprefix("${").removesuffix("}")
    _write(outdir, "prod", data)
    result = run_tierform("tfcheck", "--outdir", str(outdir))
    assert result.returncode == 1, result.stdout
    assert result.stdout.startswith("prod: error: Invalid validation expression"), result.stdout


def test_a_reference_to_a_missing_resource_fails(platform_out, tmp_path):
    outdir, data = _copy(platform_out, tmp_path, "local")
    step = next(iter(data["resource"]["terraform_data"].values()))
    step["input"] = "${aws_s3_bucket.nope.id}"
    _write(outdir, "local", data)
    result = run_tierform("tfcheck", "--outdir", str(outdir))
    assert result.returncode == 1, result.stdout
    assert "local: error: Reference to undeclared resource" in result.stdout


def test_an_aws_only_stack_is_validated_against_the_provider_schema(tmp_path):
    """helix's qa MWAA environment alone (the AirflowOnlyStack): the mirror holds the AWS
    provider, so tfcheck goes on to `terraform validate`."""
    from cdktf import App

    from tierform.config import load_platform
    from tierform.stacks.airflow_stack import AirflowOnlyStack

    outdir = tmp_path / "cdktf.out"
    app = App(outdir=str(outdir))
    AirflowOnlyStack(app, load_platform(HELIX_CONFIG).tier("qa"))
    app.synth()
    result = run_tierform("tfcheck", "--outdir", str(outdir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "qa-airflow: ok, validated"


def test_bad_usage_exits_2(tmp_path):
    result = run_tierform("tfcheck", "--outdir", str(tmp_path / "nothing"))
    assert result.returncode == 2
    assert "no synthesized stack" in result.stdout
    assert REPO.exists()


def test_a_bad_reference_fails_where_validate_cannot_run(platform_out, tmp_path):
    """prod holds Snowflake and Databricks, whose providers are not available here:
    the references are resolved without them."""
    outdir, data = _copy(platform_out, tmp_path, "prod")
    step = next(iter(data["resource"]["terraform_data"].values()))
    step["input"] = "${aws_s3_bucket.nope.id}"
    _write(outdir, "prod", data)
    result = run_tierform("tfcheck", "--outdir", str(outdir))
    assert result.returncode == 1, result.stdout
    assert result.stdout.startswith(
        "prod: error: Reference to undeclared resource: aws_s3_bucket.nope (in resource.terraform_data."
    ), result.stdout
