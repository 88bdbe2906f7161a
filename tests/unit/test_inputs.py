"""`tierform inputs`: what a tier's job needs, and the $GITHUB_ENV step that supplies it or
fails at once with one line per missing input (values never printed). The dbt release's
identity mapping (the tier's own dbt service user) is checked here too."""

from __future__ import annotations

import json
import shutil

import pytest
from support import EXAMPLE_CONFIG, HELIX_CONFIG, run_tierform_in_process, shared_synth

from tierform.config import load_platform
from tierform.gitops.inputs import github_env_lines
from tierform.release.dbt_identity import IdentityError, dbt_identity

KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"


@pytest.fixture(scope="module")
def example_out(tmp_path_factory):
    return shared_synth("example", tmp_path_factory)


def _inputs(outdir, *args, **env):
    return run_tierform_in_process("inputs", "--outdir", str(outdir), *args, **env)


def _prod_plan_values() -> dict[str, dict[str, str]]:
    return {
        "TIERFORM_GITHUB_SECRETS": json.dumps(
            {"SNOWFLAKE_PRIVATE_KEY": KEY, "DATABRICKS_CLIENT_SECRET": "dose-s3cr3t"}
        ),
        "TIERFORM_GITHUB_VARS": json.dumps(
            {
                "SNOWFLAKE_USER": "TIERFORM_PLAN",
                "DATABRICKS_CLIENT_ID": "cid",
                "AWS_PLAN_ROLE_ARN": "arn:aws:iam::1:role/plan",
                "TF_VAR_SNOWFLAKE_AIRFLOW_RSA_PUBLIC_KEY": "MIIBpub1",
                "TF_VAR_SNOWFLAKE_DBT_RSA_PUBLIC_KEY": "MIIBpub2",
            }
        ),
    }


def test_json_lists_each_input_with_kind_jobs_and_where(example_out):
    result = _inputs(example_out, "--tier", "prod", "--job", "apply", "--json")
    assert result.returncode == 0, result.stderr
    items = {i["name"]: i for i in json.loads(result.stdout)}
    assert items["SNOWFLAKE_PRIVATE_KEY"]["kind"] == "secret"
    assert items["TF_VAR_snowflake_dbt_rsa_public_key"]["github_name"] == (
        "TF_VAR_SNOWFLAKE_DBT_RSA_PUBLIC_KEY"
    )
    assert items["TF_VAR_databricks_git_commit"]["source"] == "workflow"
    assert items["SNOWFLAKE_DBT_PRIVATE_KEY"]["jobs"] == ["apply", "ci"]
    assert items["TIERFORM_AWS_ROLE_ARN"]["github_name"] == "AWS_DEPLOY_ROLE_ARN"
    # The dbt release sets SNOWFLAKE_ACCOUNT itself (from config): no job has to.
    assert "SNOWFLAKE_ACCOUNT" not in items


def test_github_env_writes_every_input_and_prints_no_value(example_out, tmp_path):
    env_file = tmp_path / "github_env"
    result = _inputs(
        example_out,
        "--tier",
        "prod",
        "--job",
        "plan",
        "--github-env",
        str(env_file),
        **_prod_plan_values(),
    )
    assert result.returncode == 0, result.stderr
    text = env_file.read_text()
    assert KEY in text and "dose-s3cr3t" in text
    assert "TIERFORM_AWS_REGION<<" in text and "\neu-west-1\n" in text
    assert "SNOWFLAKE_AUTHENTICATOR<<" in text
    assert "dose-s3cr3t" not in result.stdout + result.stderr
    assert "MIIEvQ" not in result.stdout + result.stderr


def test_missing_inputs_fail_at_once_one_line_each_writing_nothing(example_out, tmp_path):
    env_file = tmp_path / "github_env"
    values = _prod_plan_values()
    variables = json.loads(values["TIERFORM_GITHUB_VARS"])
    del variables["TF_VAR_SNOWFLAKE_AIRFLOW_RSA_PUBLIC_KEY"], variables["DATABRICKS_CLIENT_ID"]
    values["TIERFORM_GITHUB_VARS"] = json.dumps(variables)
    result = _inputs(
        example_out, "--tier", "prod", "--job", "plan", "--github-env", str(env_file), **values
    )
    assert result.returncode == 2
    assert not env_file.exists()
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("missing DATABRICKS_CLIENT_ID")
    assert "GitHub variable DATABRICKS_CLIENT_ID in environment 'prod-plan'" in lines[0]
    assert "GitHub variable TF_VAR_SNOWFLAKE_AIRFLOW_RSA_PUBLIC_KEY" in lines[1]
    assert "Traceback" not in result.stderr


def test_bad_usage_exits_2(example_out, tmp_path):
    assert _inputs(example_out, "--tier", "nope").returncode == 2
    assert _inputs(example_out, "--tier", "prod", "--job", "deploy").returncode == 2
    prod_only = tmp_path / "cdktf.out"
    shutil.copytree(example_out / "stacks" / "prod", prod_only / "stacks" / "prod")
    unsynthesized = _inputs(prod_only, "--tier", "dev")
    assert unsynthesized.returncode == 2 and "not synthesized" in unsynthesized.stderr


def test_multiline_values_get_a_delimiter_they_do_not_contain():
    text = github_env_lines({"A": "one\ntwo", "B": "x"})
    name, rest = text.split("<<", 1)
    delimiter = rest.split("\n", 1)[0]
    assert name == "A" and rest.startswith(f"{delimiter}\none\ntwo\n{delimiter}\n")


def test_dbt_runs_as_the_tiers_own_service_user():
    prod = dbt_identity(load_platform(EXAMPLE_CONFIG).tier("prod"))
    assert (prod.user, prod.account, prod.key_variable) == (
        "DBT_PROD",
        "NORTHWIND-ANALYTICS",
        "SNOWFLAKE_DBT_PRIVATE_KEY",
    )
    deployer = {
        "SNOWFLAKE_USER": "DEPLOYER",
        "SNOWFLAKE_PRIVATE_KEY": "deployer-key",
        "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": "deployer-pass",
        "SNOWFLAKE_DBT_PRIVATE_KEY": "dbt-key",
    }
    env = prod.environment(deployer)
    assert env == {
        "SNOWFLAKE_ACCOUNT": "NORTHWIND-ANALYTICS",
        "SNOWFLAKE_USER": "DBT_PROD",
        "SNOWFLAKE_PRIVATE_KEY": "dbt-key",
        "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": "",
    }
    with pytest.raises(IdentityError, match="SNOWFLAKE_DBT_PRIVATE_KEY is not set"):
        prod.environment({"SNOWFLAKE_PRIVATE_KEY": "deployer-key"})
    # helix: one account per tier ({name}), the dbt user named in config.
    uat = dbt_identity(load_platform(HELIX_CONFIG).tier("uat"))
    assert (uat.user, uat.account, uat.key_variable) == (
        "TRANSFORM",
        "HELIX-HELIX_UAT",
        "SNOWFLAKE_TRANSFORM_PRIVATE_KEY",
    )
    assert dbt_identity(load_platform(EXAMPLE_CONFIG).tier("local")) is None


def test_an_unknown_dbt_service_user_is_a_config_error(tmp_path):
    from support import copy_config, edit_yaml

    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "prod.yaml",
        lambda d: d.update(release={"dbt": {"service_user": "DBTX"}}),
    )
    result = run_tierform_in_process("validate", "--config", str(config))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"{config}/tiers/prod.yaml: release.dbt.service_user: 'DBTX' is not a declared "
        "Snowflake service user (declared: AIRFLOW, DBT)"
    )


def test_missing_inputs_leave_a_failed_plan_status_for_the_pr_comment(example_out, tmp_path):
    status = tmp_path / "plans" / "prod.status.json"
    result = _inputs(
        example_out,
        "--tier",
        "prod",
        "--job",
        "plan",
        "--github-env",
        str(tmp_path / "env"),
        "--status-file",
        str(status),
        TIERFORM_GITHUB_SECRETS="{}",
        TIERFORM_GITHUB_VARS="{}",
    )
    assert result.returncode == 2
    data = json.loads(status.read_text())
    assert data["tier"] == "prod" and data["status"] == "failed"
    assert data["error"].startswith("missing SNOWFLAKE_USER") and data["error"].endswith("more)")


def test_the_ci_job_gets_the_databricks_identity_its_job_runs_use(example_out):
    # `tierform ci run`'s databricks-runs check submits runs with the same OAuth M2M
    # variables the plan job's provider uses (tierform/ci/databricks_api.py).
    result = _inputs(example_out, "--tier", "dev", "--job", "ci", "--json")
    assert result.returncode == 0, result.stderr
    items = {i["name"]: i for i in json.loads(result.stdout)}
    assert items["DATABRICKS_CLIENT_ID"]["kind"] == "variable"
    assert items["DATABRICKS_CLIENT_SECRET"]["kind"] == "secret"
    assert not any(name.startswith("TF_VAR_") for name in items)


def test_apply_on_a_tier_with_git_folders_needs_the_identity_of_its_refresh_step(example_out):
    # `tierform.release git-folders` (a release step of the apply) calls the Repos API with
    # the deploying service principal's OAuth M2M credentials.
    apply = _inputs(example_out, "--tier", "dev", "--job", "apply", "--json")
    assert apply.returncode == 0, apply.stderr
    items = {i["name"]: i for i in json.loads(apply.stdout)}
    for name, kind in (
        ("DATABRICKS_CLIENT_ID", "variable"),
        ("DATABRICKS_CLIENT_SECRET", "secret"),
    ):
        assert items[name]["kind"] == kind
        assert "Git folders release step" in items[name]["needed_by"]
        assert "apply" in items[name]["jobs"]
    # A tier without git_folders names no such step.
    local = _inputs(example_out, "--tier", "local", "--job", "apply", "--json")
    assert local.returncode == 0, local.stderr
    assert "Git folders" not in local.stdout


def test_a_dbt_profile_reading_databricks_token_beside_the_provider_oauth_is_refused(tmp_path):
    # The apply job would hold DATABRICKS_TOKEN (dbt) and DATABRICKS_CLIENT_ID/SECRET (the
    # provider, from `tierform inputs`); the Databricks provider refuses two auth methods.
    from support import helix_with_databricks_dbt, run_tierform_in_process

    root = helix_with_databricks_dbt(tmp_path)
    profiles = root / "dbt/profiles/profiles.yml"
    clean = profiles.read_text()
    profiles.write_text(clean + "      token: \"{{ env_var('DATABRICKS_TOKEN') }}\"\n")
    result = run_tierform_in_process("validate", cwd=root)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        "dbt/profiles/profiles.yml: helix_wh.outputs.lake_qa: reads DATABRICKS_TOKEN, which the "
        "Databricks provider of tier 'qa' reads too"
    )
    assert "DBT_DATABRICKS_TOKEN" in lines[0]
    # A token of its own name is what the message suggests, and is accepted.
    profiles.write_text(clean + "      token: \"{{ env_var('DBT_DATABRICKS_TOKEN') }}\"\n")
    assert run_tierform_in_process("validate", cwd=root).returncode == 0


def _by_name(platform, stack: str, job: str) -> dict[str, object]:
    from support import stack_synth

    from tierform.gitops.inputs import derive, for_job

    stack_json = json.loads(stack_synth(HELIX_CONFIG, stack))
    found = for_job(derive(platform, stack, stack_json, HELIX_CONFIG.parent), job)
    return {i.name: i for i in found}


@pytest.mark.parametrize("job", ["plan", "apply", "ci"])
def test_a_ledger_in_s3_needs_aws_where_neither_providers_nor_state_do(job):
    # helix prod: HCP Terraform state, Composer and Snowflake, its release ledger in S3
    # (us-east-2). Plan jobs read the ledger too (promotion check, last release).
    platform = load_platform(HELIX_CONFIG)
    prod = platform.tiers["prod"]
    assert prod.backend.type == "cloud" and prod.release.store.type == "s3"
    found = _by_name(platform, "prod", job)
    role = found["TIERFORM_AWS_ROLE_ARN"]
    assert "S3 release ledger" in role.needed_by
    assert role.github_name == ("AWS_DEPLOY_ROLE_ARN" if job == "apply" else "AWS_PLAN_ROLE_ARN")
    assert found["TIERFORM_AWS_REGION"].value == "us-east-2"


def test_a_ledger_in_cloud_storage_needs_google_credentials(tmp_path):
    from support import edit_yaml

    root = tmp_path / "helix"
    shutil.copytree(HELIX_CONFIG.parent, root)
    store = {"type": "gcs", "bucket": "helix-release-ledger", "prefix": "qa"}
    edit_yaml(root / "config/tiers/qa.yaml", lambda d: d["release"].update(store=store))
    platform = load_platform(root / "config")
    import cdktf

    from tierform.gitops.inputs import derive, for_job
    from tierform.stacks.tier_stack import TierStack

    stack = json.loads(cdktf.Testing.synth(TierStack(cdktf.App(), platform.tier("qa"))))
    assert "google" not in stack["terraform"]["required_providers"]  # qa runs MWAA
    for job in ("plan", "apply"):
        names = {i.name: i for i in for_job(derive(platform, "qa", stack, root), job)}
        assert "Cloud Storage release ledger" in names["GOOGLE_CREDENTIALS"].needed_by


def _required_tier_inputs(root, stack: str) -> dict[str, dict[str, object]]:
    """helix_with_requires' inputs of `stack` per job. The stack JSON is helix's own (cached):
    the copy changes release stores and promotion rules, not what the stack requires."""
    from support import stack_synth

    from tierform.gitops.inputs import derive, for_job

    platform = load_platform(root / "config")
    stack_json = json.loads(stack_synth(HELIX_CONFIG, stack))
    found = derive(platform, stack, stack_json, root)
    return {job: {i.name: i for i in for_job(found, job)} for job in ("plan", "apply", "ci")}


def test_a_required_tiers_ledger_in_cloud_storage_is_an_input_of_plan_and_apply(tmp_path):
    # uat requires qa, whose ledger is in Cloud Storage: the deploy's plan and apply jobs of
    # uat run promotion-check, which reads it. uat itself needs nothing of Google.
    from support import helix_with_requires

    assert "GOOGLE_CREDENTIALS" not in _by_name(load_platform(HELIX_CONFIG), "uat", "apply")
    jobs = _required_tier_inputs(helix_with_requires(tmp_path), "uat")
    for job in ("plan", "apply"):
        google = jobs[job]["GOOGLE_CREDENTIALS"]
        assert google.kind == "secret" and google.github_name == "GOOGLE_CREDENTIALS"
        assert google.needed_by == "qa's Cloud Storage release ledger for the promotion check"
    assert "GOOGLE_CREDENTIALS" not in jobs["ci"]  # data CI runs no promotion check


def test_a_required_tiers_ledger_in_s3_gives_the_jobs_their_aws_roles(tmp_path):
    # prod's own ledger is in Cloud Storage here (no AWS of its own); it requires uat, whose
    # ledger is in S3 (us-east-2): the same rule as a tier's own S3 ledger, read-only role
    # in the plan job, deploy role in the apply job.
    from support import helix_with_requires

    jobs = _required_tier_inputs(helix_with_requires(tmp_path), "prod")
    for job, role in (("plan", "AWS_PLAN_ROLE_ARN"), ("apply", "AWS_DEPLOY_ROLE_ARN")):
        found = jobs[job]["TIERFORM_AWS_ROLE_ARN"]
        assert found.github_name == role
        assert "uat's S3 release ledger for the promotion check" in found.needed_by
        assert jobs[job]["TIERFORM_AWS_REGION"].value == "us-east-2"
    assert "Cloud Storage release ledger" in jobs["plan"]["GOOGLE_CREDENTIALS"].needed_by
    assert not {"TIERFORM_AWS_ROLE_ARN", "TIERFORM_AWS_REGION"} & set(jobs["ci"])
    assert "GOOGLE_CREDENTIALS" in jobs["ci"]  # its own ledger: the data CI reads that one


def test_a_missing_required_ledger_credential_is_named_before_the_job_runs(tmp_path):
    from support import helix_with_requires, stack_synth

    root = helix_with_requires(tmp_path)
    outdir = tmp_path / "cdktf.out"
    (outdir / "stacks" / "uat").mkdir(parents=True)
    (outdir / "stacks" / "uat" / "cdk.tf.json").write_text(stack_synth(HELIX_CONFIG, "uat"))
    result = _inputs(
        outdir,
        "--config",
        str(root / "config"),
        "--tier",
        "uat",
        "--job",
        "apply",
        "--github-env",
        str(tmp_path / "env"),
        TIERFORM_GITHUB_SECRETS="{}",
        TIERFORM_GITHUB_VARS="{}",
    )
    assert result.returncode == 2
    assert (
        "missing GOOGLE_CREDENTIALS (qa's Cloud Storage release ledger for the promotion "
        "check): set GitHub secret GOOGLE_CREDENTIALS in environment 'acceptance'"
    ) in result.stderr.splitlines()
