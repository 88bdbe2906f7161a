"""The deeper Snowflake access models, synthesized for real with cdktf.Testing on the example
and on the second platform (helix): schema-level access roles, the functional role
hierarchy, roles granted to existing users, network policies and their assignment to
service users; and their config errors through the real synth entry point (exit 2, file and
field named). No Snowflake account is reachable here: values are checked in the JSON."""

from __future__ import annotations

import json

import cdktf
import pytest
from support import (
    EXAMPLE_CONFIG,
    HELIX_CONFIG,
    copy_config,
    edit_yaml,
    run_synth_in_process,
    stack_synth,
)

from tierform.config import load_platform
from tierform.config.snowflake_access import role_cycle
from tierform.stacks.tier_stack import TierStack


def _synth(config, tier: str) -> str:
    if config in (EXAMPLE_CONFIG, HELIX_CONFIG):  # read-only: once per test process
        return stack_synth(config, tier)
    platform = load_platform(config)
    return cdktf.Testing.synth(TierStack(cdktf.App(stack_traces=False), platform.tier(tier)))


@pytest.fixture(scope="module")
def prod():
    return _synth(EXAMPLE_CONFIG, "prod")


@pytest.fixture(scope="module")
def helix_prod():
    return _synth(HELIX_CONFIG, "prod")


def _res(synth: str, rtype: str, name: str) -> dict:
    return json.loads(synth)["resource"][rtype][name]


def test_schema_access_roles_are_database_roles_per_schema(prod):
    roles = _res(prod, "snowflake_database_role", "schema_access")["for_each"]
    assert set(roles) == {
        f"ANALYTICS.{s}.{lvl}" for s in ("MARTS", "INTERMEDIATE") for lvl in ("RO", "RW")
    }
    assert roles["ANALYTICS.MARTS.RO"]["database"] == "ANALYTICS_PROD"
    assert roles["ANALYTICS.MARTS.RO"]["name"] == "MARTS_RO"
    assert cdktf.Testing.to_have_resource_with_properties(
        prod,
        "snowflake_grant_privileges_to_database_role",
        {
            "on_schema": {"schema_name": "${each.value.schema}"},
            "provider": "snowflake.securityadmin",
        },
    )
    schema = _res(prod, "snowflake_grant_privileges_to_database_role", "schema_access_schema")
    assert schema["for_each"]["ANALYTICS.MARTS.RO"] == {
        "role": '"ANALYTICS_PROD"."MARTS_RO"',
        "database": "ANALYTICS_PROD",
        "schema": '"ANALYTICS_PROD"."MARTS"',
        "privileges": ["USAGE"],
    }
    future = _res(
        prod, "snowflake_grant_privileges_to_database_role", "schema_access_objects_future"
    )
    assert future["on_schema_object"]["future"] == {
        "object_type_plural": "${each.value.object_type}",
        "in_schema": "${each.value.schema}",
    }
    assert future["for_each"]["ANALYTICS.MARTS.RW.TABLES"]["privileges"][:2] == [
        "SELECT",
        "INSERT",
    ]
    assert future["for_each"]["ANALYTICS.MARTS.RO.VIEWS"]["privileges"] == [
        "SELECT",
        "REFERENCES",
    ]


def test_database_roles_keep_future_grants_in_schemas_with_their_own(prod):
    """Snowflake ignores database-level future grants in a schema that has schema-level
    ones: the database access roles get theirs repeated on that schema."""
    repeated = _res(
        prod,
        "snowflake_grant_privileges_to_database_role",
        "schema_access_database_roles_future",
    )["for_each"]
    assert repeated["ANALYTICS.MARTS.OWNER.TABLES"]["role"] == '"ANALYTICS_PROD"."OWNER"'
    assert repeated["ANALYTICS.MARTS.OWNER.TABLES"]["schema"] == '"ANALYTICS_PROD"."MARTS"'
    assert {k.rsplit(".", 2)[1] for k in repeated} == {"RO", "RW", "OWNER"}
    assert not any(k.startswith("RAW.") for k in repeated)  # RAW has no schema-level roles


def test_functional_roles_get_schema_roles_other_roles_and_people(prod):
    schema = _res(prod, "snowflake_grant_database_role", "functional_schema_access")
    assert schema["for_each"]["REPORTER.ANALYTICS.MARTS.RO"] == {
        "role": "REPORTER_PROD",
        "database_role": '"ANALYTICS_PROD"."MARTS_RO"',
    }
    assert "REPORTER.ANALYTICS.RO" not in json.dumps(
        _res(prod, "snowflake_grant_database_role", "functional_access")["for_each"]
    )
    hierarchy = _res(prod, "snowflake_grant_account_role", "functional_hierarchy")
    # GRANT ROLE REPORTER TO ROLE ANALYST: ANALYST inherits REPORTER
    assert hierarchy["for_each"]["ANALYST.REPORTER"] == {
        "role": "REPORTER_PROD",
        "parent": "ANALYST_PROD",
    }
    assert hierarchy["parent_role_name"] == "${each.value.parent}"
    users = _res(prod, "snowflake_grant_account_role", "functional_users")
    assert users["for_each"] == {
        "ANALYST.DANA@NORTHWIND.COM": {"role": "ANALYST_PROD", "user": "DANA@NORTHWIND.COM"}
    }
    assert users["user_name"] == "${each.value.user}"
    # People are referenced, never created.
    assert "snowflake_user" not in json.loads(prod)["resource"]


def test_network_policy_per_tier_assigned_to_service_users(prod):
    policy = _res(prod, "snowflake_network_policy", "network_policies")
    assert policy["for_each"]["SERVICES"]["name"] == "SERVICES_PROD"
    assert policy["for_each"]["SERVICES"]["allowed_ip_list"] == [
        "203.0.113.0/24",
        "198.51.100.10",
    ]
    assert policy["provider"] == "snowflake.securityadmin"
    users = _res(prod, "snowflake_service_user", "service")
    assert users["network_policy"] == "${each.value.network_policy}"
    assert users["for_each"]["DBT"]["network_policy"] == "SERVICES_PROD"
    assert "snowflake_network_policy.network_policies" in users["depends_on"]
    staging = _synth(EXAMPLE_CONFIG, "staging")
    assert (
        _res(staging, "snowflake_network_policy", "network_policies")["for_each"]["SERVICES"][
            "name"
        ]
        == "SERVICES_STAGING"
    )


def test_users_without_a_policy_leave_it_unset(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "prod.yaml",
        lambda d: d["snowflake"]["service_users"]["AIRFLOW"].pop("network_policy"),
    )
    users = _res(_synth(config, "prod"), "snowflake_service_user", "service")
    assert users["network_policy"] == '${lookup(each.value, "network_policy", null)}'
    assert "network_policy" not in users["for_each"]["AIRFLOW"]


def test_without_the_new_fields_nothing_new_is_synthesized(tmp_path):
    config = copy_config(tmp_path)

    def plain(data):
        sf = data["snowflake"]
        sf.pop("network_policies")
        sf["roles"].pop("ANALYST")
        sf["roles"]["REPORTER"] = {"databases": {"ANALYTICS": "RO"}, "warehouses": ["REPORTING"]}
        for user in sf["service_users"].values():
            user.pop("network_policy")

    edit_yaml(config / "tiers" / "prod.yaml", plain)
    resources = json.loads(_synth(config, "prod"))["resource"]
    assert "snowflake_network_policy" not in resources
    assert "schema_access" not in resources["snowflake_database_role"]
    assert set(resources["snowflake_grant_account_role"]) == {
        "functional_to_sysadmin",
        "service_default_role",
    }
    assert "network_policy" not in resources["snowflake_service_user"]["service"]


def test_the_second_platform(helix_prod):
    """helix: `{name}` naming, a two-level hierarchy, a user named by e-mail, RW schema access."""
    hierarchy = _res(helix_prod, "snowflake_grant_account_role", "functional_hierarchy")
    assert set(hierarchy["for_each"]) == {"WEB_ANALYST.ACTIVATE", "LEAD.WEB_ANALYST", "LEAD.MODEL"}
    assert hierarchy["for_each"]["LEAD.MODEL"] == {"role": "MODEL", "parent": "LEAD"}
    users = _res(helix_prod, "snowflake_grant_account_role", "functional_users")["for_each"]
    assert set(users) == {"WEB_ANALYST.ERIN@HELIX.EXAMPLE", "WEB_ANALYST.FRANK"}
    roles = _res(helix_prod, "snowflake_database_role", "schema_access")["for_each"]
    assert {"LANDING.WEB.RO", "WAREHOUSE.CORE.RW"} <= set(roles)
    grants = _res(helix_prod, "snowflake_grant_database_role", "functional_schema_access")
    assert grants["for_each"]["WEB_ANALYST.WAREHOUSE.CORE.RW"]["database_role"] == (
        '"WAREHOUSE"."CORE_RW"'
    )
    policy = _res(helix_prod, "snowflake_network_policy", "network_policies")["for_each"]
    assert policy["EGRESS"]["name"] == "EGRESS"
    assert policy["EGRESS"]["blocked_ip_list"] == ["192.0.2.13"]
    users = _res(helix_prod, "snowflake_service_user", "service")["for_each"]
    assert {u["network_policy"] for u in users.values()} == {"EGRESS"}


def test_role_cycle_finds_the_loop():
    assert role_cycle({"A": ["B"], "B": ["C"], "C": ["A"]}) == ["A", "B", "C", "A"]
    assert role_cycle({"A": ["B"], "B": [], "C": ["A", "B"]}) is None


def _set_role(name: str, **fields):
    return lambda d: d["snowflake"]["roles"].setdefault(name, {}).update(fields)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            _set_role("REPORTER", schemas={"ANALYTICS": {"NOPE": "RO"}}),
            "tiers/prod.yaml: snowflake.roles.REPORTER.schemas.ANALYTICS.NOPE: 'NOPE' is not a "
            "declared schema of database ANALYTICS (declared: INTERMEDIATE, MARTS, SNAPSHOTS, "
            "STAGING)",
        ),
        (
            _set_role("REPORTER", schemas={"LAKE": {"X": "RO"}}),
            "snowflake.roles.REPORTER.schemas.LAKE: 'LAKE' is not a declared database",
        ),
        (
            _set_role("REPORTER", schemas={"ANALYTICS": {"MARTS": "OWNER"}}),
            "snowflake.roles.REPORTER.schemas.ANALYTICS.MARTS: 'OWNER' is not one of",
        ),
        (
            _set_role("REPORTER", inherit_roles=["ANALYST"]),
            "snowflake.roles.ANALYST.inherit_roles: role hierarchy cycle: "
            "ANALYST → REPORTER → ANALYST",
        ),
        (
            _set_role("REPORTER", inherit_roles=["REPORTER"]),
            "snowflake.roles.REPORTER.inherit_roles.0: a role cannot inherit itself",
        ),
        (
            _set_role("REPORTER", inherit_roles=["AUDITOR"]),
            "snowflake.roles.REPORTER.inherit_roles.0: 'AUDITOR' is not a declared role",
        ),
        (
            _set_role("REPORTER", users=["dana smith"]),
            "snowflake.roles.REPORTER.users.0: 'dana smith' is not a Snowflake user name",
        ),
        (
            _set_role("REPORTER", users=["DBT"]),
            "snowflake.roles.REPORTER.users.0: 'DBT' is a service user of this tier",
        ),
        (
            lambda d: d["snowflake"]["service_users"]["DBT"].update(network_policy="OFFICE"),
            "snowflake.service_users.DBT.network_policy: 'OFFICE' is not a declared network "
            "policy (declared: SERVICES)",
        ),
        (
            lambda d: d["snowflake"]["network_policies"]["SERVICES"].update(
                allowed_ip_list=["10.0.0.0/33"]
            ),
            "snowflake.network_policies.SERVICES.allowed_ip_list.0: '10.0.0.0/33' is not an IP "
            "address or CIDR range",
        ),
        (
            lambda d: d["snowflake"]["network_policies"]["SERVICES"].update(allowed_ip_list=[]),
            "snowflake.network_policies.SERVICES.allowed_ip_list:",
        ),
    ],
    ids=[
        "unknown-schema",
        "unknown-database",
        "schema-owner",
        "cycle",
        "self",
        "unknown-role",
        "bad-user",
        "service-user",
        "unknown-policy",
        "bad-cidr",
        "empty-allow-list",
    ],
)
def test_bad_access_config_is_refused_with_exit_2(tmp_path, edit, expected):
    config = copy_config(tmp_path)
    edit_yaml(config / "tiers" / "prod.yaml", edit)
    result = run_synth_in_process(config, tmp_path / "out")
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
