"""dbt Cloud resources of a dbt_cloud tier (issue 17, item 1), synthesized in process: the
connection, credential, environment and jobs through the dbt-labs/dbtcloud provider, the
secret never in the JSON, and the job ids handed to the dbt release step. dbt Cloud cannot
run here: the output is checked against the provider's 1.x schema names by hand, by
`tierform tfcheck` (init + references) and by the gate (tests/policy)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import cdktf
import pytest
from support import EXAMPLE_CONFIG, HELIX_CONFIG, HELIX_ROOT, copy_config, edit_yaml
from support_dbt_cloud import enable_commented_dbt_cloud

from tierform.config import load_platform
from tierform.config.dbt_cloud_step import (
    CI_JOB_ENV,
    CREDENTIAL_ENV,
    DEPLOY_JOB_ENV,
    ENVIRONMENT_ENV,
)
from tierform.release.triggers import tier_triggers
from tierform.stacks.tier_stack import TierStack


def synth(platform, name: str) -> dict:
    tier = platform.tier(name)
    stack = TierStack(
        cdktf.App(stack_traces=False),
        tier,
        release=tier_triggers(platform, tier),
        dbt_cloud=platform.dbt_cloud_environment(tier),
    )
    return json.loads(cdktf.Testing.synth(stack))


def strip(block: dict) -> dict:
    return {k: v for k, v in block.items() if k != "//"}


@pytest.fixture(scope="module")
def uat() -> dict:
    return synth(load_platform(HELIX_CONFIG), "uat")


def test_provider_is_pinned_and_takes_no_token(uat):
    assert uat["terraform"]["required_providers"]["dbtcloud"] == {
        "source": "dbt-labs/dbtcloud",
        "version": "~> 1.6",
    }
    assert uat["provider"]["dbtcloud"] == [
        {"account_id": 70001, "host_url": "https://hx123.us1.dbt.com/api"}
    ]


def test_snowflake_connection_and_key_pair_credential_without_the_key(uat):
    res = uat["resource"]
    assert strip(res["dbtcloud_global_connection"]["dbt"]) == {
        "name": "User acceptance (uat, snowflake)",
        "provider": "dbtcloud",
        "snowflake": {
            "account": "HELIX-HELIX_UAT",
            "database": "WAREHOUSE",
            "warehouse": "ETL",
            "role": "MODEL",
        },
    }
    credential = strip(res["dbtcloud_snowflake_credential"]["dbt"])
    assert credential == {
        "auth_type": "keypair",
        "database": "WAREHOUSE",
        "lifecycle": {"ignore_changes": ["password", "private_key", "private_key_passphrase"]},
        "num_threads": 8,
        "project_id": 90001,
        "provider": "dbtcloud",
        "role": "MODEL",
        "schema": "MARTS",
        "user": "TRANSFORM",
        "warehouse": "ETL",
    }


def test_environment_is_the_projects_staging_deployment(uat):
    env = strip(uat["resource"]["dbtcloud_environment"]["dbt"])
    assert env == {
        "connection_id": "${dbtcloud_global_connection.dbt.id}",
        "credential_id": "${dbtcloud_snowflake_credential.dbt.credential_id}",
        "dbt_version": "1.10.0-latest",
        "deployment_type": "staging",
        "name": "User acceptance",
        "project_id": 90001,
        "provider": "dbtcloud",
        "type": "deployment",
    }


def test_deploy_job_has_every_trigger_off(uat):
    job = strip(uat["resource"]["dbtcloud_job"]["deploy"])
    assert job["triggers"] == {
        "github_webhook": False,
        "git_provider_webhook": False,
        "schedule": False,
        "on_merge": False,
    }
    assert job["execute_steps"] == ["dbt seed", "dbt build --exclude tag:nightly"]
    assert (job["name"], job["target_name"], job["num_threads"], job["generate_docs"]) == (
        "[uat] deploy",
        "snow_uat",
        8,
        True,
    )
    assert job["environment_id"] == "${dbtcloud_environment.dbt.environment_id}"
    assert "job_type" not in job and "deferring_environment_id" not in job


def test_ci_job_runs_on_pull_requests_deferring_to_the_tier(uat):
    job = strip(uat["resource"]["dbtcloud_job"]["ci"])
    # helix's repository is on GitLab (platform.yaml git_provider): the git provider webhook
    assert job["triggers"] == {
        "github_webhook": False,
        "git_provider_webhook": True,
        "schedule": False,
        "on_merge": False,
    }
    assert job["job_type"] == "ci"
    assert job["deferring_environment_id"] == "${dbtcloud_environment.dbt.environment_id}"
    assert job["execute_steps"] == ["dbt build --select state:modified+"]
    assert job["triggers_on_draft_pr"] is False


def test_release_step_gets_the_ids_and_waits_for_the_jobs(uat):
    step = uat["resource"]["terraform_data"]["release_dbt"]
    env = step["provisioner"][0]["local-exec"]["environment"]
    assert env == {
        CI_JOB_ENV: "${dbtcloud_job.ci.job_id}",
        CREDENTIAL_ENV: "${dbtcloud_snowflake_credential.dbt.credential_id}",
        DEPLOY_JOB_ENV: "${dbtcloud_job.deploy.job_id}",
        ENVIRONMENT_ENV: "${dbtcloud_environment.dbt.environment_id}",
    }
    assert {"dbtcloud_environment.dbt", "dbtcloud_job.deploy", "dbtcloud_job.ci"} <= set(
        step["depends_on"]
    )
    triggers = step["triggers_replace"]
    assert triggers["tool_versions"] == "dbt Cloud 1.10.0-latest"
    assert re.fullmatch(r"[0-9a-f]{64}", triggers["dbt_cloud_sha256"])
    assert set(uat["output"]) >= {
        "dbt_cloud_environment_id",
        "dbt_cloud_deploy_job_id",
        "dbt_cloud_ci_job_id",
    }


def test_a_job_change_re_runs_the_release(tmp_path):
    root = tmp_path / "helix"
    shutil.copytree(HELIX_ROOT, root)
    before = tier_triggers(
        load_platform(root / "config"), load_platform(root / "config").tier("uat")
    ).dbt
    edit_yaml(
        root / "config/tiers/uat.yaml",
        lambda d: d["release"]["dbt"]["cloud"]["deploy_job"].update(threads=16),
    )
    platform = load_platform(root / "config")
    after = tier_triggers(platform, platform.tier("uat")).dbt
    assert before["dbt_cloud_sha256"] != after["dbt_cloud_sha256"]
    assert {k: v for k, v in before.items() if k != "dbt_cloud_sha256"} == {
        k: v for k, v in after.items() if k != "dbt_cloud_sha256"
    }


@pytest.fixture(scope="module")
def databricks_helix(tmp_path_factory) -> Path:
    """helix with prod on dbt Cloud (Snowflake, production, protected) and qa on dbt Cloud
    through Databricks; uat and dev back on dbt-core."""
    root = tmp_path_factory.mktemp("dbx") / "helix"
    shutil.copytree(HELIX_ROOT, root)
    cfg = root / "config" / "tiers"
    edit_yaml(
        cfg / "prod.yaml",
        lambda d: d["release"]["dbt"].update(
            runner="dbt_cloud",
            publish="in_place",
            cloud={
                "connection": {"type": "snowflake", "database": "WAREHOUSE"},
                "credentials": {"target_schema": "CORE"},
            },
        ),
    )
    edit_yaml(
        cfg / "qa.yaml",
        lambda d: (
            d["databricks"].update(sql_warehouses={"DBT": {"size": "2X-Small"}}),
            d["release"]["dbt"].update(
                cloud={
                    "connection": {"type": "databricks", "database": None},
                    "credentials": {
                        "target_schema": "CURATED",
                        "secret_env": "HELIX_DBT_CLOUD_DATABRICKS_TOKEN",
                    },
                }
            ),
        ),
    )
    for name in ("uat", "dev"):
        edit_yaml(
            cfg / f"{name}.yaml",
            lambda d: d["release"]["dbt"].update(runner="dbt_core", cloud=None),
        )
    return root


def test_databricks_connection_and_token_credential(databricks_helix):
    platform = load_platform(databricks_helix / "config")
    step = platform.dbt_step(platform.tier("qa"))
    assert (
        step.adapter,
        step.cloud.credential_type,
        step.cloud.secret_attribute,
        step.cloud.secret_env,
    ) == (
        "databricks",
        "databricks",
        "token",
        "HELIX_DBT_CLOUD_DATABRICKS_TOKEN",
    )
    qa = synth(platform, "qa")
    res = qa["resource"]
    assert strip(res["dbtcloud_global_connection"]["dbt"])["databricks"] == {
        "host": "helix-qa.cloud.databricks.com",
        "http_path": '/sql/1.0/warehouses/${databricks_sql_endpoint.warehouses["DBT"].id}',
        "catalog": "helix",
    }
    credential = strip(res["dbtcloud_databricks_credential"]["dbt"])
    # The provider requires `token`: a marker, never the token, and Terraform ignores it.
    assert credential["token"] == "set-by-tierform-release"
    assert credential["lifecycle"] == {"ignore_changes": ["token"]}
    assert (credential["schema"], credential["catalog"], credential["adapter_type"]) == (
        "qa_curated",
        "helix",
        "databricks",
    )
    assert "dbtcloud_snowflake_credential" not in res
    assert (
        res["dbtcloud_environment"]["dbt"]["credential_id"]
        == "${dbtcloud_databricks_credential.dbt.credential_id}"
    )
    # qa is a data CI target (ci.targets): a CI job by default
    assert "ci" in res["dbtcloud_job"]


def test_a_protected_tier_keeps_its_environment(databricks_helix):
    platform = load_platform(databricks_helix / "config")
    prod = synth(platform, "prod")
    env = prod["resource"]["dbtcloud_environment"]["dbt"]
    assert env["deployment_type"] == "production"
    assert env["lifecycle"] == {"prevent_destroy": True}
    # prod is no data CI target and says nothing: no CI job
    assert set(prod["resource"]["dbtcloud_job"]) == {"deploy"}
    assert (
        CI_JOB_ENV
        not in prod["resource"]["terraform_data"]["release_dbt"]["provisioner"][0]["local-exec"][
            "environment"
        ]
    )


def test_no_secret_of_the_deploying_environment_reaches_the_json(uat):
    text = json.dumps(uat)
    assert "PRIVATE KEY" not in text and "SNOWFLAKE_TRANSFORM_PRIVATE_KEY" not in text
    assert "DBT_CLOUD_TOKEN" not in text


def test_example_keeps_dbt_core_and_its_commented_variant_works(tmp_path):
    platform = load_platform(EXAMPLE_CONFIG)
    assert {
        platform.dbt_step(t).runner for t in platform.tiers.values() if platform.dbt_step(t)
    } == {"dbt_core"}
    config = copy_config(tmp_path)
    enable_commented_dbt_cloud(config)
    platform = load_platform(config)
    staging = platform.tier("staging")
    assert platform.dbt_step(staging).runner == "dbt_cloud"
    spec = platform.dbt_cloud_environment(staging)
    assert (spec.snowflake.database, spec.snowflake.user, spec.ci_job) == (
        "ANALYTICS_STAGING",
        "DBT_STAGING",
        None,
    )


def test_references_resolve_where_terraform_validate_cannot_run(uat):
    """The dbtcloud provider is not in this machine's mirror: tfcheck resolves references
    itself (tierform/gitops/tf_references.py); every dbt Cloud one resolves, a broken one is
    found."""
    from tierform.gitops.tf_references import undeclared

    assert undeclared(uat) == []
    broken = json.loads(json.dumps(uat))
    broken["resource"]["dbtcloud_job"]["deploy"]["environment_id"] = (
        "${dbtcloud_environment.nope.environment_id}"
    )
    assert any("dbtcloud_environment.nope" in line for line in undeclared(broken))
