"""Snowflake constructs, synthesized for real with cdktf.Testing (no Snowflake account is
needed to synthesize; nothing here talks to Snowflake)."""

from __future__ import annotations

import json

import cdktf
import pytest
from support import EXAMPLE_CONFIG, stack_synth

from tierform.config import load_platform
from tierform.stacks.sandbox_stack import SandboxStack


@pytest.fixture(scope="module")
def platform():
    return load_platform(EXAMPLE_CONFIG)


@pytest.fixture(scope="module")
def synthesized(platform):
    """Synth JSON (string) of every tier and sandbox stack of the example, synthesized once
    per test process (support.stack_synth: other files read the same stacks)."""
    return {name: stack_synth(EXAMPLE_CONFIG, name) for name in platform.stack_names}


def resources(synth: str, rtype: str) -> dict:
    return json.loads(synth).get("resource", {}).get(rtype, {})


def test_databases_use_for_each_with_tier_names(synthesized):
    db = resources(synthesized["prod"], "snowflake_database")["databases"]
    assert set(db["for_each"]) == {"RAW", "ANALYTICS"}
    assert db["for_each"]["RAW"]["name"] == "RAW_PROD"
    assert db["name"] == "${each.value.name}"
    assert (
        resources(synthesized["dev"], "snowflake_database")["databases"]["for_each"]["RAW"]["name"]
        == "RAW_DEV"
    )


def test_prod_databases_and_schemas_prevent_destroy_and_dev_do_not(synthesized):
    assert cdktf.Testing.to_have_resource_with_properties(
        synthesized["prod"], "snowflake_database", {"lifecycle": {"prevent_destroy": True}}
    )
    assert resources(synthesized["prod"], "snowflake_schema")["schemas"]["lifecycle"] == {
        "prevent_destroy": True
    }
    for tier in ("dev", "staging"):
        assert "lifecycle" not in resources(synthesized[tier], "snowflake_database")["databases"]


def test_schemas_keyed_by_database_and_schema(synthesized):
    schemas = resources(synthesized["prod"], "snowflake_schema")["schemas"]
    assert "ANALYTICS.MARTS" in schemas["for_each"]
    assert schemas["for_each"]["ANALYTICS.MARTS"] == {
        "database": "ANALYTICS_PROD",
        "name": "MARTS",
        "comment": "Tables the business reads",
        "managed_access": "true",
        "transient": "false",
    }
    assert "snowflake_database.databases" in schemas["depends_on"]


def test_warehouses_sizes_per_tier_and_defaults(synthesized):
    def wh(tier):
        return resources(synthesized[tier], "snowflake_warehouse")["warehouses"]

    assert wh("prod")["for_each"]["TRANSFORMING"]["size"] == "MEDIUM"
    assert wh("staging")["for_each"]["TRANSFORMING"]["size"] == "SMALL"
    assert wh("dev")["for_each"]["TRANSFORMING"]["size"] == "XSMALL"
    loading = wh("prod")["for_each"]["LOADING"]
    assert loading["auto_suspend"] == 60
    assert loading["auto_resume"] == "true"
    assert loading["initially_suspended"] is True
    assert wh("prod")["resource_monitor"] == "${snowflake_resource_monitor.monitor.name}"


def test_resource_monitor_through_accountadmin(synthesized):
    assert cdktf.Testing.to_have_resource_with_properties(
        synthesized["prod"],
        "snowflake_resource_monitor",
        {
            "name": "MONITOR_PROD",
            "credit_quota": 400,
            "provider": "snowflake.accountadmin",
            "notify_triggers": [50, 75, 90],
            "suspend_trigger": 100,
        },
    )


def test_access_roles_with_current_and_future_grants(synthesized):
    roles = resources(synthesized["prod"], "snowflake_database_role")["access"]
    assert set(roles["for_each"]) == {
        f"{db}.{lvl}" for db in ("RAW", "ANALYTICS") for lvl in ("RO", "RW", "OWNER")
    }
    grants = resources(synthesized["prod"], "snowflake_grant_privileges_to_database_role")
    assert set(grants) >= {  # plus the schema-level ones (test_snowflake_access_models.py)
        "access_database",
        "access_schemas_all",
        "access_schemas_future",
        "access_objects_all",
        "access_objects_future",
    }
    future_tables = grants["access_objects_future"]["for_each"]["RAW.RO.TABLES"]
    assert future_tables["privileges"] == ["SELECT", "REFERENCES"]
    assert future_tables["role"] == '"RAW_PROD"."RO"'
    assert grants["access_objects_future"]["on_schema_object"]["future"] == {
        "object_type_plural": "${each.value.object_type}",
        "in_database": "${each.value.database}",
    }
    assert grants["access_schemas_future"]["on_schema"] == {
        "future_schemas_in_database": "${each.value.database}"
    }
    owner = grants["access_database"]["for_each"]["ANALYTICS.OWNER"]
    assert "CREATE SCHEMA" in owner["privileges"]
    assert grants["access_database"]["provider"] == "snowflake.securityadmin"


def test_functional_roles_get_access_roles_warehouses_and_sysadmin(synthesized):
    s = synthesized["prod"]
    assert set(resources(s, "snowflake_account_role")["functional"]["for_each"]) == {
        "LOADER",
        "TRANSFORMER",
        "REPORTER",
        "ANALYST",
    }
    access = resources(s, "snowflake_grant_database_role")["functional_access"]["for_each"]
    assert access["TRANSFORMER.ANALYTICS.OWNER"] == {
        "role": "TRANSFORMER_PROD",
        "database_role": '"ANALYTICS_PROD"."OWNER"',
    }
    assert access["TRANSFORMER.RAW.RO"]["role"] == "TRANSFORMER_PROD"
    usage = resources(s, "snowflake_grant_privileges_to_account_role")["functional_warehouse_usage"]
    assert usage["for_each"]["LOADER.LOADING"] == {
        "role": "LOADER_PROD",
        "warehouse": "LOADING_PROD",
    }
    assert usage["on_account_object"]["object_type"] == "WAREHOUSE"
    to_sysadmin = resources(s, "snowflake_grant_account_role")["functional_to_sysadmin"]
    assert to_sysadmin["parent_role_name"] == "SYSADMIN"
    assert set(to_sysadmin["for_each"]) == {"LOADER", "TRANSFORMER", "REPORTER", "ANALYST"}


def test_service_users_key_pair_from_variable_never_password(synthesized):
    data = json.loads(synthesized["prod"])
    users = data["resource"]["snowflake_service_user"]["service"]
    assert users["for_each"]["DBT"]["rsa_public_key"] == "${var.snowflake_dbt_rsa_public_key}"
    assert users["for_each"]["DBT"]["role"] == "TRANSFORMER_PROD"
    assert "password" not in json.dumps(users).lower()
    assert "snowflake_dbt_rsa_public_key" in data["variable"]
    grants = data["resource"]["snowflake_grant_account_role"]["service_default_role"]["for_each"]
    assert grants["DBT"] == {"user": "DBT_PROD", "role": "TRANSFORMER_PROD"}


def test_provider_aliases_carry_no_credentials(synthesized):
    providers = json.loads(synthesized["prod"])["provider"]["snowflake"]
    assert {p["alias"]: p["role"] for p in providers} == {
        "sysadmin": "SYSADMIN",
        "securityadmin": "SECURITYADMIN",
        "accountadmin": "ACCOUNTADMIN",
    }
    for p in providers:
        assert set(p) <= {"alias", "role", "organization_name", "account_name"}


def test_backend_per_tier(synthesized):
    prod = json.loads(synthesized["prod"])["terraform"]["backend"]["s3"]
    assert prod["key"] == "tierform/prod.tfstate"
    assert prod["use_lockfile"] is True
    local = json.loads(synthesized["local"])["terraform"]["backend"]["local"]
    assert local["path"] == "../../../.tierform/state/local.tfstate"


def test_local_tier_has_no_provider(synthesized):
    data = json.loads(synthesized["local"])
    assert "provider" not in data
    assert "required_providers" not in data.get("terraform", {})


def test_sandbox_stack_owns_a_schema_in_the_dev_database(synthesized):
    s = synthesized["dev-alice"]
    assert cdktf.Testing.to_have_resource_with_properties(
        s, "snowflake_schema", {"database": "ANALYTICS_DEV", "name": "DEV_ALICE"}
    )
    assert cdktf.Testing.to_have_resource_with_properties(
        s, "snowflake_account_role", {"name": "SANDBOX_ALICE_DEV"}
    )
    assert cdktf.Testing.to_have_resource_with_properties(
        s,
        "snowflake_grant_ownership",
        {
            "account_role_name": "SANDBOX_ALICE_DEV",
            "on": {"object_type": "SCHEMA", "object_name": '"ANALYTICS_DEV"."DEV_ALICE"'},
        },
    )
    assert cdktf.Testing.to_have_resource_with_properties(
        s,
        "snowflake_grant_account_role",
        {"role_name": "SANDBOX_ALICE_DEV", "user_name": "ALICE@NORTHWIND.EXAMPLE"},
    )
    inherit = resources(s, "snowflake_grant_account_role")["sandbox_inherits"]
    assert inherit["for_each"] == {"TRANSFORMER": {"role": "TRANSFORMER_DEV"}}
    assert json.loads(s)["terraform"]["backend"]["s3"]["key"] == "tierform/dev-alice.tfstate"


def test_database_sandboxes(tmp_path):
    from support import copy_config, edit_yaml

    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "dev.yaml",
        lambda d: d["snowflake"]["sandboxes"].update(kind="database", database=None),
    )
    platform = load_platform(config)
    stack = SandboxStack(cdktf.App(stack_traces=False), platform.sandboxes[1])
    s = cdktf.Testing.synth(stack)
    assert cdktf.Testing.to_have_resource_with_properties(
        s, "snowflake_database", {"name": "DEV_BOB_DEV"}
    )
    assert cdktf.Testing.to_have_resource_with_properties(
        s,
        "snowflake_grant_ownership",
        {"on": {"object_type": "DATABASE", "object_name": "DEV_BOB_DEV"}},
    )
