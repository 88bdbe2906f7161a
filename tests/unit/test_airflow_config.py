"""Airflow config: flavors, their DagTarget (the release step's contract), tier inheritance."""

from __future__ import annotations

from support import EXAMPLE_CONFIG, copy_config, edit_yaml

from tierform.config import load_platform
from tierform.config.airflow import AstronomerAirflowSpec, LocalAirflowSpec, MwaaAirflowSpec
from tierform.config.airflow_mwaa import MWAA_AIRFLOW_VERSIONS


def test_example_runs_mwaa_on_staging_and_prod_local_elsewhere():
    platform = load_platform(EXAMPLE_CONFIG)
    flavors = {name: tier.airflow.flavor for name, tier in platform.tiers.items()}
    assert flavors == {"local": "local", "dev": "local", "staging": "mwaa", "prod": "mwaa"}


def test_mwaa_dag_target_is_the_bucket_named_by_the_tier_rule():
    prod = load_platform(EXAMPLE_CONFIG).tier("prod")
    target = prod.airflow.dag_target("prod")
    assert target.kind == "s3"
    assert target.location == "s3://northwind-airflow-prod/dags"
    assert target.environment_name == "northwind-airflow-prod"
    assert target.environment_url.startswith("https://eu-west-1.console.aws.amazon.com/mwaa/")
    assert "AWS_ROLE_ARN" in target.credential_env
    assert "AWS_PROFILE" in target.credential_env


def test_staging_inherits_prod_mwaa_and_is_smaller():
    platform = load_platform(EXAMPLE_CONFIG)
    prod, staging = platform.tier("prod").airflow, platform.tier("staging").airflow
    assert isinstance(staging, MwaaAirflowSpec)
    assert staging.airflow_version == prod.airflow_version
    assert (staging.environment_class, staging.max_workers) == ("mw1.small", 3)
    assert (prod.environment_class, prod.max_workers) == ("mw1.medium", 10)
    assert staging.network.subnet_ids != prod.network.subnet_ids
    assert staging.dag_target("staging").location == "s3://northwind-airflow-staging/dags"


def test_changing_flavor_replaces_the_inherited_section():
    """dev extends staging (mwaa) but says `flavor: local`: no MWAA key leaks into dev."""
    dev = load_platform(EXAMPLE_CONFIG).tier("dev")
    assert isinstance(dev.airflow, LocalAirflowSpec)
    assert dev.airflow.dag_target("dev").location == ".tierform/airflow/dev/dags"


def test_naming_rule_shapes_cloud_names(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(config / "platform.yaml", lambda d: d.update(naming={"pattern": "{TIER}_{name}"}))
    target = load_platform(config).tier("prod").airflow.dag_target("prod")
    assert target.location == "s3://prod-northwind-airflow/dags"


def test_explicit_bucket_overrides_the_naming_rule(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(config / "tiers" / "prod.yaml", lambda d: d["airflow"].update(bucket="acme-dags"))
    # staging inherits prod's MWAA: S3 bucket names are global, so it names its own.
    edit_yaml(
        config / "tiers" / "staging.yaml",
        lambda d: d.setdefault("airflow", {}).update(bucket="acme-dags-staging"),
    )
    target = load_platform(config).tier("prod").airflow.dag_target("prod")
    assert target.location == "s3://acme-dags/dags"
    assert target.environment_name == "northwind-airflow-prod"


def _astro(**extra) -> AstronomerAirflowSpec:
    data = {
        "flavor": "astronomer",
        "organization_id": "clorg",
        "workspace_id": "clws",
        "cloud_provider": "AWS",
        "region": "us-east-1",
        "runtime_version": "3.0-1",
        **extra,
    }
    return AstronomerAirflowSpec.model_validate(data)


def test_astronomer_target_with_pinned_deployment_id():
    target = _astro(deployment_id="cldep123").dag_target("prod")
    assert (target.kind, target.location) == ("astronomer", "cldep123")
    assert target.credential_env == ("ASTRO_API_TOKEN",)
    assert target.environment_url.endswith("/clorg/deployments/cldep123/overview")


def test_astronomer_target_without_id_reads_it_from_the_environment():
    target = _astro().dag_target("staging")
    assert target.location == "$ASTRO_DEPLOYMENT_ID"
    assert target.credential_env == ("ASTRO_API_TOKEN", "ASTRO_DEPLOYMENT_ID")
    assert target.environment_name == "airflow-staging"


def test_supported_mwaa_versions_are_well_formed():
    assert "3.0.6" in MWAA_AIRFLOW_VERSIONS
    assert all(v.count(".") == 2 for v in MWAA_AIRFLOW_VERSIONS)


def test_merge_replaces_a_mapping_whose_kind_changes():
    from tierform.config.merge import deep_merge

    base = {
        "airflow": {"flavor": "mwaa", "region": "eu-west-1"},
        "backend": {"type": "s3", "bucket": "b"},
    }
    override = {"airflow": {"flavor": "local"}, "backend": {"type": "gcs", "bucket": "g"}}
    assert deep_merge(base, override) == override
    # same kind: merged key by key, as before
    assert deep_merge(base, {"airflow": {"flavor": "mwaa", "max_workers": 3}})["airflow"] == {
        "flavor": "mwaa",
        "region": "eu-west-1",
        "max_workers": 3,
    }
