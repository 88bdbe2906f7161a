"""helix's uat tier (dbt Cloud, Snowflake key pair) end to end on this machine: what
`tierform inputs --tier uat --job apply` lists is what the release reads, and the dbt
release step exactly as the stack synthesized it (command, environment names) runs under
Terraform against a local stand-in for dbt Cloud's API (tests/support_dbt_cloud.py, TLS:
dbt Cloud cannot run here) with only those inputs set.

The whole uat stack cannot be applied here (Snowflake, Astronomer and dbt-labs/dbtcloud
providers are not in the mirror): the step is lifted out of the synthesized JSON into a
stack of its own, its references to the dbtcloud resources replaced by the ids the stand-in
knows. The copy's account URL points at the stand-in and uat's ledger is a local folder
(its S3 bucket is not reachable here)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import HELIX_ROOT, edit_yaml, run_synth, run_tierform, tool_env
from support_dbt_cloud import (
    ACCOUNT,
    PROJECT,
    TOKEN,
    FakeDbtCloud,
    JobScript,
    manifest,
    run_results,
    snowflake_credential,
)

from tierform.config.dbt_cloud_step import (
    CI_JOB_ENV,
    CREDENTIAL_ENV,
    DEPLOY_JOB_ENV,
    ENVIRONMENT_ENV,
)

pytestmark = pytest.mark.integration

SHA = "89abcdef0123456789abcdef0123456789abcdef"
DEPLOY, CI, ENVIRONMENT, CREDENTIAL = 51, 52, 53, 54
IDS = {
    "dbtcloud_job.deploy.job_id": DEPLOY,
    "dbtcloud_job.ci.job_id": CI,
    "dbtcloud_environment.dbt.environment_id": ENVIRONMENT,
    "dbtcloud_snowflake_credential.dbt.credential_id": CREDENTIAL,
}
KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAAhelixhelix\n-----END PRIVATE KEY-----"


@pytest.fixture(scope="module")
def cloud():
    with FakeDbtCloud(tls=True) as fake:
        yield fake


@pytest.fixture(scope="module")
def helix(tmp_path_factory, cloud: FakeDbtCloud) -> Path:
    root = tmp_path_factory.mktemp("helix") / "helix"
    shutil.copytree(HELIX_ROOT, root)
    edit_yaml(
        root / "config" / "platform.yaml",
        lambda d: d["release"]["dbt"]["cloud"].update(
            host_url=cloud.url, account_id=ACCOUNT, project_id=PROJECT, poll_seconds=1
        ),
    )
    edit_yaml(
        root / "config" / "tiers" / "uat.yaml",
        lambda d: d["release"].update(store={"type": "local"}),
    )
    synth = run_synth(root / "config", root / "cdktf.out", cwd=root, TIERFORM_TIERS="uat")
    assert synth.returncode == 0, synth.stderr
    return root


@pytest.fixture(scope="module")
def apply_inputs(helix: Path) -> dict[str, dict]:
    listed = run_tierform(
        "inputs",
        "--tier",
        "uat",
        "--job",
        "apply",
        "--json",
        "--config",
        str(helix / "config"),
        "--outdir",
        str(helix / "cdktf.out"),
        cwd=helix,
    )
    assert listed.returncode == 0, listed.stdout + listed.stderr
    return {i["name"]: i for i in json.loads(listed.stdout)}


def test_inputs_list_what_the_release_step_reads(helix: Path, apply_inputs):
    from tierform.config import load_platform

    platform = load_platform(helix / "config")
    cloud = platform.dbt_step(platform.tier("uat")).cloud
    assert (cloud.token_env, cloud.secret_env, cloud.secret_passphrase_env) == (
        "DBT_CLOUD_TOKEN",
        "SNOWFLAKE_TRANSFORM_PRIVATE_KEY",
        "SNOWFLAKE_TRANSFORM_PRIVATE_KEY_PASSPHRASE",
    )
    for name in (cloud.token_env, cloud.secret_env):
        assert apply_inputs[name]["kind"] == "secret" and not apply_inputs[name]["optional"]
    assert apply_inputs[cloud.secret_passphrase_env]["optional"]
    # The ids come from the stack, never from the job's inputs; dbt-core's profile is unused.
    assert not {CI_JOB_ENV, CREDENTIAL_ENV, DEPLOY_JOB_ENV, ENVIRONMENT_ENV} & set(apply_inputs)
    assert "HELIX_QUERY_TAG" not in apply_inputs


def _lifted_step(helix: Path) -> Path:
    """The synthesized release_dbt, alone in a stack next to uat's (same relative root)."""
    doc = json.loads((helix / "cdktf.out" / "stacks" / "uat" / "cdk.tf.json").read_text())
    step = doc["resource"]["terraform_data"]["release_dbt"]
    step = {k: v for k, v in step.items() if k not in ("//", "depends_on")}
    local_exec = step["provisioner"][0]["local-exec"]
    environment = local_exec["environment"]
    # The config folder it was synthesized from (relative to the repository root), which
    # the step loads at apply: a literal, not one of the stack's ids.
    assert environment.pop("TIERFORM_CONFIG").endswith("config")
    assert set(environment) == {CI_JOB_ENV, CREDENTIAL_ENV, DEPLOY_JOB_ENV, ENVIRONMENT_ENV}
    for name, value in environment.items():
        reference = re.fullmatch(r"\$\{(.+)\}", value)
        assert reference and reference[1] in IDS, value
        environment[name] = str(IDS[reference[1]])
    stack = helix / "cdktf.out" / "stacks" / "uat-release-step"
    stack.mkdir(parents=True)
    lifted = {
        "terraform": {"required_version": ">= 1.5"},
        "resource": {"terraform_data": {"release_dbt": step}},
    }
    (stack / "cdk.tf.json").write_text(json.dumps(lifted, indent=2))
    return stack


def test_the_synthesized_step_runs_with_exactly_the_listed_inputs(
    helix: Path, cloud: FakeDbtCloud, apply_inputs
):
    cloud.credentials[CREDENTIAL] = snowflake_credential(CREDENTIAL, PROJECT, "TRANSFORM")
    cloud.jobs[DEPLOY] = JobScript(
        [3, 10],
        {
            "manifest.json": manifest(("model.helix.orders", "models/orders.sql")),
            "run_results.json": run_results(("model.helix.orders", "success", "OK")),
        },
    )
    stack = _lifted_step(helix)
    # The release's part of the inputs, filled as GitHub would fill them; nothing else.
    values = {"DBT_CLOUD_TOKEN": TOKEN, "SNOWFLAKE_TRANSFORM_PRIVATE_KEY": KEY}
    assert set(values) <= set(apply_inputs)
    env = tool_env(
        **values,
        GITHUB_SHA=SHA,
        SSL_CERT_FILE=str(cloud.cert_file),
        TIERFORM_PYTHON=sys.executable,  # the copy has no .venv of its own
    )
    for name in ("TIERFORM_ROOT", "TIERFORM_CONFIG", "CDKTF_OUTDIR"):
        env.pop(name, None)

    def terraform(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["terraform", *args, "-input=false", "-no-color"],
            cwd=stack,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    init = terraform("init")
    assert init.returncode == 0, init.stderr
    apply = terraform("apply", "-auto-approve")
    assert apply.returncode == 0, apply.stdout + apply.stderr
    path = rf"/api/v3/accounts/{ACCOUNT}/projects/{PROJECT}/credentials/{CREDENTIAL}/$"
    (update,) = cloud.seen("POST", path)
    assert update.body["private_key"] == KEY and update.body["user"] == "TRANSFORM"
    (trigger,) = cloud.seen("POST", rf"/jobs/{DEPLOY}/run/$")
    assert trigger.body["git_sha"] == SHA
    record = json.loads((helix / ".tierform/ledger/uat/dbt/snow_uat/dbt-cloud.json").read_text())
    assert (record["deploy_job_id"], record["ci_job_id"]) == (DEPLOY, CI)
    assert "BEGIN PRIVATE KEY" not in apply.stdout + (stack / "terraform.tfstate").read_text()
