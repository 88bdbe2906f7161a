"""dbt Cloud as a tier's dbt runner, the config side (issue 17, item 1): what a dbt_cloud
tier resolves to (DbtCloudStep for the release step, the stack's spec) and every refusal as
one line naming the file and the field. dbt Cloud itself cannot run here and is not needed:
this is config only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import HELIX_ROOT, edit_yaml, run_tierform

from tierform.config import ConfigError, load_platform
from tierform.config.dbt_cloud_step import DbtCloudStep


@pytest.fixture
def helix(tmp_path: Path) -> Path:
    root = tmp_path / "helix"
    shutil.copytree(HELIX_ROOT, root)
    return root


def issues(config: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(ConfigError) as caught:
        load_platform(config)
    return [(Path(i.file).name, i.path, i.message) for i in caught.value.issues]


def uat_cloud(helix: Path, edit) -> None:
    edit_yaml(helix / "config/tiers/uat.yaml", lambda d: edit(d["release"]["dbt"]))


def test_helix_uat_resolves_to_a_dbt_cloud_step():
    from support import HELIX_CONFIG

    platform = load_platform(HELIX_CONFIG)
    step = platform.dbt_step(platform.tier("uat"))
    assert step.runner == "dbt_cloud"
    assert (step.adapter, step.publish, step.slim, step.target) == (
        "snowflake",
        "in_place",
        False,
        "snow_uat",
    )
    assert step.cloud == DbtCloudStep(
        account_id=70001,
        host_url="https://hx123.us1.dbt.com",
        project_id=90001,
        token_env="DBT_CLOUD_TOKEN",
        timeout_seconds=5400,
        poll_seconds=10.0,
        ci_job=True,
        credential_type="snowflake",
        secret_attribute="private_key",
        # the dbt service user prod names (release.dbt.service_user: TRANSFORM), its own key
        secret_env="SNOWFLAKE_TRANSFORM_PRIVATE_KEY",
        secret_passphrase_env="SNOWFLAKE_TRANSFORM_PRIVATE_KEY_PASSPHRASE",
        environment_name="User acceptance",
    )
    # The other tiers keep dbt-core.
    assert platform.dbt_step(platform.tier("qa")).runner == "dbt_core"
    assert platform.dbt_cloud_environment(platform.tier("qa")) is None


def test_the_connection_is_derived_from_the_tiers_own_snowflake_config():
    from support import HELIX_CONFIG

    platform = load_platform(HELIX_CONFIG)
    spec = platform.dbt_cloud_environment(platform.tier("uat"))
    assert spec.snowflake.model_dump() == {
        "account": "HELIX-HELIX_UAT",
        "database": "WAREHOUSE",
        # from the TRANSFORM service user: role MODEL, warehouse ETL (naming rule {name})
        "warehouse": "ETL",
        "role": "MODEL",
        "user": "TRANSFORM",
        "target_schema": "MARTS",
    }
    assert spec.deployment_type == "staging"
    assert spec.api_url == "https://hx123.us1.dbt.com/api"


def test_ci_job_defaults_to_the_tiers_data_ci_targets(helix):
    # qa is a data CI target (platform.yaml ci.targets); without ci_job it gets a CI job.
    uat_cloud(helix, lambda d: d.update(runner="dbt_core", cloud=None))
    edit_yaml(
        helix / "config/tiers/qa.yaml",
        lambda d: d["release"]["dbt"].update(
            runner="dbt_cloud",
            cloud={
                "connection": {"type": "snowflake", "database": "WAREHOUSE"},
                "credentials": {"target_schema": "CORE"},
            },
        ),
    )
    platform = load_platform(helix / "config")
    qa = platform.tier("qa")
    assert platform.dbt_step(qa).cloud.ci_job is True
    assert platform.dbt_cloud_environment(qa).ci_job.commands == [
        "dbt build --select state:modified+"
    ]


def test_dbt_cloud_without_the_platforms_account_settings(helix):
    edit_yaml(helix / "config/platform.yaml", lambda d: d["release"]["dbt"].pop("cloud"))
    assert issues(helix / "config") == [
        (
            "uat.yaml",
            "release.dbt.runner",
            "dbt_cloud needs the platform's dbt Cloud account: set release.dbt.cloud in "
            "platform.yaml (account_id, project_id, host_url)",
        ),
    ]


def test_dbt_cloud_without_the_tiers_settings(helix):
    uat_cloud(helix, lambda d: d.pop("cloud"))
    [(file, path, message)] = issues(helix / "config")
    assert (file, path) == ("uat.yaml", "release.dbt.cloud")
    assert message.startswith("required with runner dbt_cloud")


def test_cloud_settings_on_a_dbt_core_tier(helix):
    uat_cloud(helix, lambda d: d.update(runner="dbt_core"))
    assert issues(helix / "config") == [
        (
            "uat.yaml",
            "release.dbt.cloud",
            "only used with release.dbt.runner: dbt_cloud (the runner is dbt_core)",
        ),
    ]


def test_blue_green_publish_is_refused_on_dbt_cloud(helix):
    uat_cloud(helix, lambda d: d.update(publish="blue_green"))
    [(file, path, message)] = issues(helix / "config")
    assert (file, path) == ("uat.yaml", "release.dbt.publish")
    assert "a dbt Cloud job builds in place" in message


def test_an_unknown_runner_and_connection_type(helix):
    uat_cloud(helix, lambda d: d.update(runner="dbt_fusion"))
    [(file, path, message)] = issues(helix / "config")
    assert (file, path) == ("uat.yaml", "release.dbt.runner")
    assert message.startswith("'dbt_fusion' is not one of dbt_core, dbt_cloud")
    uat_cloud(
        helix,
        lambda d: d.update(runner="dbt_cloud") or d["cloud"]["connection"].update(type="bigquery"),
    )
    [(file, path, message)] = issues(helix / "config")
    assert (file, path) == ("uat.yaml", "release.dbt.cloud.connection.type")
    assert message.startswith("'bigquery' is not one of snowflake, databricks")


def test_a_connection_naming_what_the_tier_does_not_declare(helix):
    uat_cloud(helix, lambda d: d["cloud"]["connection"].update(database="LAKE", warehouse="HUGE"))
    assert issues(helix / "config") == [
        (
            "uat.yaml",
            "release.dbt.cloud.connection.database",
            "'LAKE' is not a declared database (declared: LANDING, WAREHOUSE)",
        ),
        (
            "uat.yaml",
            "release.dbt.cloud.connection.warehouse",
            "'HUGE' is not a declared warehouse (declared: BI, ETL)",
        ),
    ]


def test_a_target_schema_the_database_does_not_declare(helix):
    uat_cloud(helix, lambda d: d["cloud"]["credentials"].update(target_schema="SCRATCH"))
    assert issues(helix / "config") == [
        (
            "uat.yaml",
            "release.dbt.cloud.credentials.target_schema",
            "'SCRATCH' is not a declared schema of WAREHOUSE (declared: CORE, MARTS)",
        ),
    ]


def test_a_secret_in_the_credentials_is_refused_by_name(helix):
    uat_cloud(
        helix, lambda d: d["cloud"]["credentials"].update(private_key="-----BEGIN PRIVATE KEY-----")
    )
    found = issues(helix / "config")
    # the secret scan and the model both refuse it, at the same field; never echoed
    assert {(f, p) for f, p, _ in found} == {
        ("uat.yaml", "release.dbt.cloud.credentials.private_key")
    }
    assert all("BEGIN PRIVATE KEY" not in m for _, _, m in found)


def test_a_connection_type_the_tier_cannot_back(helix):
    uat_cloud(helix, lambda d: d["cloud"]["connection"].update(type="databricks", database=None))
    assert issues(helix / "config") == [
        (
            "uat.yaml",
            "release.dbt.cloud.connection.type",
            "databricks, but the tier has no databricks section",
        ),
    ]


def test_a_databricks_connection_needs_a_warehouse_and_the_token_variable(helix):
    uat_cloud(helix, lambda d: d.update(runner="dbt_core", cloud=None))
    # dev extends qa but has no Databricks: it keeps dbt-core
    edit_yaml(
        helix / "config/tiers/dev.yaml",
        lambda d: d["release"]["dbt"].update(runner="dbt_core", cloud=None),
    )
    edit_yaml(
        helix / "config/tiers/qa.yaml",
        lambda d: d["release"]["dbt"].update(
            runner="dbt_cloud",
            cloud={
                "connection": {"type": "databricks"},
                "credentials": {"target_schema": "CURATED"},
            },
        ),
    )
    assert issues(helix / "config") == [
        (
            "qa.yaml",
            "release.dbt.cloud.connection.warehouse",
            "name the SQL warehouse (databricks.sql_warehouses) dbt Cloud connects to",
        ),
        (
            "qa.yaml",
            "release.dbt.cloud.credentials.secret_env",
            "required for a databricks connection: the variable holding the token dbt Cloud "
            "builds with (e.g. DBT_CLOUD_DATABRICKS_TOKEN); never the token itself",
        ),
    ]


def test_two_staging_tiers_on_one_dbt_cloud_project(helix):
    edit_yaml(
        helix / "config/tiers/qa.yaml",
        lambda d: d["release"]["dbt"].update(
            runner="dbt_cloud",
            cloud={
                "connection": {"type": "snowflake", "database": "WAREHOUSE"},
                "credentials": {"target_schema": "CORE"},
            },
        ),
    )
    assert issues(helix / "config") == [
        (
            "uat.yaml",
            "release.dbt.runner",
            "tier 'qa' is already the project's staging dbt Cloud environment (one per project); "
            "run this staging tier on dbt_core",
        ),
    ]


def test_bad_platform_settings_name_the_field(helix):
    edit_yaml(
        helix / "config/platform.yaml",
        lambda d: d["release"]["dbt"]["cloud"].update(host_url="https://hx123.us1.dbt.com/api/v2"),
    )
    [(file, path, message)] = issues(helix / "config")
    assert (file, path) == ("platform.yaml", "release.dbt.cloud.host_url")
    assert "without /api" in message


def test_validate_refuses_cleanly_with_one_line(helix):
    edit_yaml(helix / "config/platform.yaml", lambda d: d["release"]["dbt"].pop("cloud"))
    result = run_tierform("validate", cwd=helix)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "config/tiers/uat.yaml: release.dbt.runner: dbt_cloud needs the platform's dbt Cloud "
        "account: set release.dbt.cloud in platform.yaml (account_id, project_id, host_url)"
    ]
