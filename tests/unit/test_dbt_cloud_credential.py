"""What the dbt Cloud release step sets on the tier's credential (tierform/dbt_cloud/
credential.py), in process and without dbt Cloud: the checks made before anything runs and
the update body for each credential kind (the shapes the dbtcloud provider posts)."""

from __future__ import annotations

import re

import pytest

from tierform.config.dbt_cloud_step import CREDENTIAL_ENV, DbtCloudStep
from tierform.dbt_cloud.credential import credential_secret, with_secret
from tierform.dbt_cloud.errors import DbtCloudInputError

SNOWFLAKE = DbtCloudStep(
    1,
    "https://cloud.getdbt.com",
    2,
    credential_type="snowflake",
    secret_attribute="private_key",
    secret_env="SNOWFLAKE_DBT_PRIVATE_KEY",
    secret_passphrase_env="SNOWFLAKE_DBT_PRIVATE_KEY_PASSPHRASE",
)
DATABRICKS = DbtCloudStep(
    1,
    "https://cloud.getdbt.com",
    2,
    credential_type="databricks",
    secret_attribute="token",
    secret_env="QA_DATABRICKS_TOKEN",
)
KEY = "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----"


def test_snowflake_key_and_optional_passphrase():
    env = {CREDENTIAL_ENV: "9", "SNOWFLAKE_DBT_PRIVATE_KEY": KEY}
    secret = credential_secret(SNOWFLAKE, env)
    current = {"id": 9, "auth_type": "keypair", "user": "DBT"}
    assert with_secret(SNOWFLAKE, current, secret) == {**current, "private_key": KEY}
    assert current == {"id": 9, "auth_type": "keypair", "user": "DBT"}  # not changed in place
    with_pass = credential_secret(
        SNOWFLAKE, {**env, "SNOWFLAKE_DBT_PRIVATE_KEY_PASSPHRASE": "pp-secret"}
    )
    assert with_secret(SNOWFLAKE, current, with_pass)["private_key_passphrase"] == "pp-secret"
    assert KEY not in repr(with_pass) and "pp-secret" not in repr(with_pass)


def test_databricks_token_goes_into_the_credential_details():
    secret = credential_secret(DATABRICKS, {CREDENTIAL_ENV: "9", "QA_DATABRICKS_TOKEN": "dapi1"})
    current = {
        "id": 9,
        "credential_details": {
            "fields": {
                "token": {"metadata": {"encrypt": True}, "value": ""},
                "schema": {"value": "qa"},
            }
        },
    }
    body = with_secret(DATABRICKS, current, secret)
    assert body["credential_details"]["fields"]["token"] == {
        "metadata": {"encrypt": True},
        "value": "dapi1",
    }
    assert body["credential_details"]["fields"]["schema"] == {"value": "qa"}
    assert current["credential_details"]["fields"]["token"]["value"] == ""


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({CREDENTIAL_ENV: "9"}, "export SNOWFLAKE_DBT_PRIVATE_KEY"),
        (
            {CREDENTIAL_ENV: "9", "SNOWFLAKE_DBT_PRIVATE_KEY": "  "},
            "export SNOWFLAKE_DBT_PRIVATE_KEY",
        ),
        ({"SNOWFLAKE_DBT_PRIVATE_KEY": KEY}, re.escape(f"${CREDENTIAL_ENV} is not set")),
        ({CREDENTIAL_ENV: "x9", "SNOWFLAKE_DBT_PRIVATE_KEY": KEY}, "expected a dbt Cloud id"),
    ],
)
def test_missing_inputs_are_exit_2_naming_the_variable(env, message):
    with pytest.raises(DbtCloudInputError, match=message) as raised:
        credential_secret(SNOWFLAKE, env)
    assert raised.value.exit_code == 2
    assert KEY not in str(raised.value)


def test_a_credential_without_a_secret_of_tierform_is_left_alone():
    step = DbtCloudStep(1, "https://cloud.getdbt.com", 2)
    assert credential_secret(step, {}) is None
