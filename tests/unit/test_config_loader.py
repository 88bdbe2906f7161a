"""Loading the example configuration: inheritance, defaults, tier order."""

from __future__ import annotations

from support import EXAMPLE_CONFIG, copy_config, edit_yaml

from tierform.config import load_platform


def test_example_platform_loads_all_tiers_in_promotion_order():
    platform = load_platform(EXAMPLE_CONFIG)
    assert list(platform.tiers) == ["local", "dev", "staging", "prod"]
    assert platform.stack_names == ["local", "dev", "staging", "prod", "dev-alice", "dev-bob"]


def test_staging_inherits_prod_and_overrides_only_what_it_says():
    platform = load_platform(EXAMPLE_CONFIG)
    prod, staging = platform.tier("prod").snowflake, platform.tier("staging").snowflake
    assert prod.warehouses["TRANSFORMING"].size == "MEDIUM"
    assert staging.warehouses["TRANSFORMING"].size == "SMALL"
    # inherited unchanged: same databases, schemas, roles, users
    assert staging.databases.keys() == prod.databases.keys()
    assert staging.databases["ANALYTICS"].schemas == prod.databases["ANALYTICS"].schemas
    assert staging.roles == prod.roles
    assert staging.warehouses["TRANSFORMING"].comment == prod.warehouses["TRANSFORMING"].comment


def test_kind_and_protection_are_not_inherited():
    platform = load_platform(EXAMPLE_CONFIG)
    assert platform.tier("prod").is_protected
    assert platform.tier("staging").kind == "staging"
    assert not platform.tier("staging").is_protected
    assert not platform.tier("dev").is_protected


def test_null_removes_an_inherited_key(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "staging.yaml", lambda d: d["snowflake"].update(resource_monitor=None)
    )
    assert load_platform(config).tier("staging").snowflake.resource_monitor is None
    assert load_platform(config).tier("prod").snowflake.resource_monitor is not None


def test_naming_rule_from_platform_and_per_tier_override(tmp_path):
    platform = load_platform(EXAMPLE_CONFIG)
    assert platform.tier("prod").object_name("RAW") == "RAW_PROD"
    config = copy_config(tmp_path)
    edit_yaml(config / "tiers" / "prod.yaml", lambda d: d.update(naming={"pattern": "{name}"}))
    # The tiers extending prod share its Snowflake account: they keep the tier in names
    # (the same RAW in two tiers of one account is refused, tierform/config/shared_names.py).
    for tier in ("staging", "dev"):
        edit_yaml(
            config / "tiers" / f"{tier}.yaml",
            lambda d: d.update(naming={"pattern": "{name}_{TIER}"}),
        )
    assert load_platform(config).tier("prod").object_name("RAW") == "RAW"


def test_local_tier_defaults_to_local_backend_and_no_cloud():
    local = load_platform(EXAMPLE_CONFIG).tier("local")
    assert local.backend.type == "local"
    assert local.snowflake is None


def test_schema_list_shorthand(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "prod.yaml",
        lambda d: d["snowflake"]["databases"]["RAW"].update(schemas=["A", "B"]),
    )
    assert list(load_platform(config).tier("prod").snowflake.databases["RAW"].schemas) == ["A", "B"]


def test_local_tier_gets_local_airflow_by_default():
    platform = load_platform(EXAMPLE_CONFIG)
    target = platform.tier("local").airflow.dag_target("local")
    assert (target.kind, target.location) == ("local", ".tierform/airflow/local/dags")
    assert platform.tier("prod").airflow.flavor == "mwaa"  # set in prod.yaml, not defaulted
