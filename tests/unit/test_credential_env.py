"""The one rule for which environment variables are credentials (tierform/credential_env.py),
used for the environment DAG files are parsed in."""

from __future__ import annotations

import pytest

from tierform.credential_env import is_credential, without_credentials


@pytest.mark.parametrize(
    "name",
    [
        "SNOWFLAKE_PRIVATE_KEY",
        "SNOWFLAKE_USER",
        "AWS_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "DATABRICKS_HOST",
        "ASTRO_API_TOKEN",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "AIRFLOW_CONN_WAREHOUSE",
        "GITHUB_TOKEN",
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "MY_SERVICE_PASSWORD",
        "slack_webhook_token",
        "PAYMENTS_API_KEY",
    ],
)
def test_credential_families_and_secret_names_are_removed(name: str):
    assert is_credential(name, "value")


def test_a_secret_shaped_value_is_removed_whatever_its_name():
    assert is_credential("DEPLOY_NOTE", "ghp_" + "a" * 36)
    assert is_credential("DB_URL", "postgresql://app:hunter22@db.internal/app")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PATH", "/usr/bin:/bin"),
        ("HOME", "/home/ci"),
        ("TIERFORM_TIER", "staging"),
        ("AIRFLOW__CORE__LOAD_EXAMPLES", "False"),
        ("AWS_CA_BUNDLE", "/etc/ssl/certs/ca.pem"),
        ("KEYMAP", "us"),
    ],
)
def test_ordinary_settings_are_kept(name: str, value: str):
    assert not is_credential(name, value)


def test_without_credentials_reports_names_never_values():
    kept, removed = without_credentials({"PATH": "/bin", "SNOWFLAKE_PASSWORD": "s3cr3t-value"})
    assert kept == {"PATH": "/bin"}
    assert removed == ["SNOWFLAKE_PASSWORD"]
