"""The DAG release artifact (files computed from the repository), MWAA's requirements objects
and secrets backend, and the Composer flavor, synthesized (no cloud, no provider binary:
Google's provider is not in this machine's mirror, so Composer is checked at synth level and
by the gate; tests/integration/test_composer_publish.py publishes to a GCS emulator)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from support import EXAMPLE_CONFIG, HELIX_CONFIG, HELIX_ROOT, copy_config, edit_yaml

from tierform.config import ConfigError, load_platform
from tierform.release.artifact import (
    PROFILES_DIR,
    ArtifactError,
    airflow_install_files,
    artifact_description,
    artifact_files,
    artifact_sha256,
)
from tierform.release.content import content_sha256


def _synth(platform, tier_name: str):
    from cdktf import Testing

    from tierform.stacks.airflow_stack import AirflowOnlyStack

    tier = platform.tier(tier_name)
    stack = AirflowOnlyStack(Testing.app(), tier, files=airflow_install_files(platform, tier))
    return stack, json.loads(Testing.synth(stack))


# --- the artifact -----------------------------------------------------------------------


def test_artifact_holds_dags_dbt_project_tier_profiles_and_requirements():
    platform = load_platform(EXAMPLE_CONFIG)
    files = artifact_files(platform, platform.tier("staging"))
    assert "northwind_daily_build.py" in files
    assert "tierform_release/dbt/dbt_project.yml" in files
    assert "tierform_release/dbt/profiles.yml" not in files  # every tier's targets: never
    assert files["tierform_release/requirements.txt"].startswith(b"# Python packages")
    assert files[".airflowignore"].endswith(b"tierform_release/\n")
    profiles = yaml.safe_load(files[f"{PROFILES_DIR}/profiles.yml"])
    assert profiles["northwind"]["target"] == "staging"
    assert list(profiles["northwind"]["outputs"]) == ["staging"]
    # The same bytes on disk hash the same: the trigger equals the release's content hash.
    assert artifact_sha256(files) == artifact_sha256(dict(files))


def test_artifact_hash_is_the_folder_hash_of_the_staged_files(tmp_path):
    from tierform.release.artifact import write_files

    platform = load_platform(EXAMPLE_CONFIG)
    files = artifact_files(platform, platform.tier("local"))
    write_files(files, tmp_path / "staged")
    assert content_sha256(tmp_path / "staged") == artifact_sha256(files)


def test_separate_profiles_dir_reaches_the_published_dags():
    """helix keeps profiles.yml in dbt/profiles/ (release.dbt.profiles_dir): the artifact
    ships the tier's profile from there, and RELEASE.json says where the DAGs find it."""
    platform = load_platform(HELIX_CONFIG)
    tier = platform.tier("prod")
    files = artifact_files(platform, tier)
    assert "tierform_release/dbt/profiles/profiles.yml" not in files
    profiles = yaml.safe_load(files[f"{PROFILES_DIR}/profiles.yml"])
    (profile,) = profiles
    assert list(profiles[profile]["outputs"]) == ["snow_prod"]
    described = artifact_description(platform, tier)["dbt"]
    assert described["profiles_dir"] == PROFILES_DIR
    assert described["source_profiles_dir"] == "dbt/profiles"
    assert described["target"] == "snow_prod"


def test_literal_secret_in_the_tiers_profile_refuses_the_release(tmp_path):
    """Validation refuses it first (tests/unit/test_profile_secrets.py); the release checks
    what it ships again, with the same rule, so a profiles.yml edited after the config was
    loaded still never ships a secret."""
    config = copy_config(tmp_path)
    platform = load_platform(config)
    profiles = tmp_path / "examples" / "dbt" / "profiles.yml"
    profiles.write_text(
        profiles.read_text().replace(
            "private_key: \"{{ env_var('SNOWFLAKE_PRIVATE_KEY') }}\"",
            'private_key: "-----BEGIN PRIVATE KEY-----abc"',
        )
    )
    with pytest.raises(
        ArtifactError, match=r"northwind\.outputs\.staging\.private_key: a literal secret"
    ) as caught:
        artifact_files(platform, platform.tier("staging"))
    assert caught.value.exit_code == 2
    assert "BEGIN PRIVATE KEY" not in str(caught.value)
    with pytest.raises(ConfigError, match=r"northwind\.outputs\.staging\.private_key"):
        load_platform(config)


def test_reserved_folder_in_the_dags_is_refused(tmp_path):
    config = copy_config(tmp_path)
    (tmp_path / "examples" / "dags" / "tierform_release").mkdir()
    (tmp_path / "examples" / "dags" / "tierform_release" / "x.py").write_text("# x")
    platform = load_platform(config)
    with pytest.raises(ArtifactError, match="tierform_release: the name is reserved"):
        artifact_files(platform, platform.tier("local"))


def test_missing_requirements_file_is_a_config_error(tmp_path):
    config = copy_config(tmp_path)
    (tmp_path / "examples" / "airflow" / "requirements.txt").unlink()
    with pytest.raises(ConfigError) as caught:
        load_platform(config)
    assert (
        "release.dags.requirements: file 'examples/airflow/requirements.txt' does not exist"
        in str(caught.value)
    )


# --- MWAA -------------------------------------------------------------------------------


def test_mwaa_requirements_object_pins_the_environment_version():
    platform = load_platform(EXAMPLE_CONFIG)
    _, data = _synth(platform, "prod")
    obj = data["resource"]["aws_s3_object"]["airflow_requirements"]
    assert obj["key"] == "requirements.txt"
    assert obj["bucket"] == "${aws_s3_bucket.airflow_dags.id}"
    assert "aws_s3_bucket_versioning.airflow_dags" in obj["depends_on"]
    env = data["resource"]["aws_mwaa_environment"]["airflow"]
    assert env["requirements_s3_path"] == "requirements.txt"
    assert (
        env["requirements_s3_object_version"] == "${aws_s3_object.airflow_requirements.version_id}"
    )
    assert "plugins_s3_path" not in env  # no plugins configured


def test_mwaa_plugins_object_when_configured(tmp_path):
    config = copy_config(tmp_path)
    (tmp_path / "plugins.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip
    edit_yaml(
        config / "tiers" / "prod.yaml",
        lambda d: d["airflow"].update(plugins={"path": "plugins.zip"}),
    )
    _, data = _synth(load_platform(config), "prod")
    assert data["resource"]["aws_s3_object"]["airflow_plugins"]["key"] == "plugins.zip"
    env = data["resource"]["aws_mwaa_environment"]["airflow"]
    assert env["plugins_s3_object_version"] == "${aws_s3_object.airflow_plugins.version_id}"


def test_mwaa_workers_read_connections_from_their_tiers_secrets_only():
    platform = load_platform(EXAMPLE_CONFIG)
    _, data = _synth(platform, "prod")
    options = data["resource"]["aws_mwaa_environment"]["airflow"]["airflow_configuration_options"]
    assert options["secrets.backend"].endswith("secrets_manager.SecretsManagerBackend")
    kwargs = json.loads(options["secrets.backend_kwargs"])
    assert kwargs["connections_prefix"] == "tierform/northwind-airflow-prod/connections"
    policy = json.loads(data["resource"]["aws_iam_role_policy"]["airflow_execution"]["policy"])
    (secrets,) = [s for s in policy["Statement"] if s["Sid"] == "ReadOwnTierSecrets"]
    assert secrets["Action"] == ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    assert secrets["Resource"].endswith(":secret:tierform/northwind-airflow-prod/*")
    # No secret resource or value in Terraform: CD puts the value.
    text = json.dumps(data)
    assert "aws_secretsmanager_secret" not in text
    described = artifact_description(platform, platform.tier("prod"))["dbt"]
    assert described["connection_id"] == "snowflake_default"


def test_secrets_backend_options_cannot_be_set_twice(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "prod.yaml",
        lambda d: d["airflow"].update(airflow_configuration_options={"secrets.backend": "x"}),
    )
    with pytest.raises(
        ConfigError, match=r"secrets\.backend is set by Tierform from airflow\.secrets"
    ):
        load_platform(config)


# --- Composer ---------------------------------------------------------------------------


def test_composer_3_environment_service_account_and_bucket():
    platform = load_platform(HELIX_CONFIG)
    stack, data = _synth(platform, "prod")
    res = data["resource"]
    env = res["google_composer_environment"]["airflow"]
    # helix's `{name}` pattern names no tier: cloud names get it (naming.cloud_pattern).
    assert env["name"] == "helix-flow-prod" and env["region"] == "europe-west1"
    assert env["config"]["software_config"]["image_version"].startswith("composer-3-")
    assert (
        env["config"]["node_config"]["service_account"] == "${google_service_account.airflow.email}"
    )
    assert env["config"]["enable_private_environment"] is True
    assert env["config"]["software_config"]["pypi_packages"] == {
        "dbt-core": "~=1.11.0",
        "dbt-snowflake": "~=1.11.0",
    }
    assert env["storage_config"]["bucket"] == "${google_storage_bucket.airflow_dags.name}"
    assert env["lifecycle"]["prevent_destroy"] is True  # prod is protected
    bucket = res["google_storage_bucket"]["airflow_dags"]
    assert bucket["versioning"] == {"enabled": True}
    assert bucket["uniform_bucket_level_access"] is True
    assert bucket["public_access_prevention"] == "enforced"
    role = res["google_project_iam_member"]["airflow_worker"]
    assert role["role"] == "roles/composer.worker"
    assert data["terraform"]["required_providers"]["google"] == {
        "source": "hashicorp/google",
        "version": "~> 6.49",
    }
    target = stack.airflow.dag_target
    assert (target.kind, target.location) == ("gcs", "gs://helix-flow-prod-helix-data-prod/dags")
    assert stack.airflow.release_environment == {}


def test_composer_2_bucket_comes_from_the_environment(tmp_path):
    root = tmp_path / "helix"
    shutil.copytree(HELIX_ROOT, root)
    edit_yaml(
        root / "config" / "tiers" / "prod.yaml",
        lambda d: d["airflow"].update(image_version="composer-2.13.1-airflow-2.10.5"),
    )
    platform = load_platform(root / "config")
    stack, data = _synth(platform, "prod")
    env = data["resource"]["google_composer_environment"]["airflow"]
    assert "storage_config" not in env and "google_storage_bucket" not in data["resource"]
    assert env["config"]["private_environment_config"] == {"enable_private_endpoint": True}
    assert stack.airflow.dag_target.location == "$COMPOSER_DAG_GCS_PREFIX"
    assert stack.airflow.release_environment == {
        "COMPOSER_DAG_GCS_PREFIX": "${google_composer_environment.airflow.config[0].dag_gcs_prefix}"
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "image_version",
            "composer-1.20.0-airflow-2.4.3",
            "is not a Cloud Composer 2 or 3 image version",
        ),
        ("project", "X", "is not a Google Cloud project id"),
        ("region", "mars", "is not a Google Cloud region"),
    ],
)
def test_bad_composer_settings_are_named(tmp_path, field, value, message):
    root = tmp_path / "helix"
    shutil.copytree(HELIX_ROOT, root)
    edit_yaml(
        root / "config" / "tiers" / "prod.yaml", lambda d: d["airflow"].update({field: value})
    )
    with pytest.raises(ConfigError) as caught:
        load_platform(root / "config")
    text = str(caught.value)
    assert f"tiers/prod.yaml: airflow.{field}:" in text and message in text


def test_helix_release_description_names_the_gcs_target():
    platform = load_platform(HELIX_CONFIG)
    tier = platform.tier("prod")
    assert platform.dags_step(tier) is not None
    assert Path(HELIX_ROOT / "requirements" / "airflow.txt").is_file()
