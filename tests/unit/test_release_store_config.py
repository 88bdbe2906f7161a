"""`release.store`: where each tier's release ledger lives — next to its Terraform state by
default, platform-wide or per tier (inherited through `extends`); a `cloud` backend must
name one; a shared tier may not publish DAGs into a local folder."""

from __future__ import annotations

import pytest
from support import copy_config, edit_yaml, run_tierform_in_process

from tierform.config import load_platform
from tierform.config.release_store import GcsStoreSpec, LocalStoreSpec, S3StoreSpec

S3 = {"type": "s3", "bucket": "northwind-ledger", "prefix": "ledger"}


def validate(config):
    return run_tierform_in_process("validate", "--config", str(config))


@pytest.fixture
def config(tmp_path):
    return copy_config(tmp_path)


def test_default_store_is_next_to_the_state(config):
    platform = load_platform(config)
    assert platform.release_store(platform.tier("local")) == LocalStoreSpec(type="local")
    prod = platform.release_store(platform.tier("prod"))
    assert prod == S3StoreSpec(
        type="s3", bucket="northwind-tierform-state", prefix="tierform/releases", region="eu-west-1"
    )
    edit_yaml(
        config / "tiers" / "staging.yaml",
        lambda d: d.update(backend={"type": "gcs", "bucket": "nw-state", "prefix": "tf"}),
    )
    platform = load_platform(config)
    assert platform.release_store(platform.tier("staging")) == GcsStoreSpec(
        type="gcs", bucket="nw-state", prefix="tf/releases"
    )


def test_platform_store_applies_to_every_tier_and_a_tier_overrides_it(config):
    edit_yaml(config / "platform.yaml", lambda d: d["release"].update(store=S3))
    edit_yaml(
        config / "tiers" / "prod.yaml",
        lambda d: d.update(release={"store": {"type": "local", "directory": "/srv/ledger"}}),
    )
    platform = load_platform(config)
    assert platform.release_store(platform.tier("local")).bucket == "northwind-ledger"
    # staging extends prod: it inherits prod's store, and so does dev (extends staging)
    for tier in ("prod", "staging", "dev"):
        assert platform.release_store(platform.tier(tier)) == LocalStoreSpec(
            type="local", directory="/srv/ledger"
        ), tier


def test_cloud_backend_must_name_a_store(config):
    edit_yaml(
        config / "tiers" / "staging.yaml",
        lambda d: d.update(backend={"type": "cloud", "organization": "northwind"}),
    )
    result = validate(config)
    assert result.returncode == 2
    assert "staging.yaml: backend.type: tier 'staging' uses a `cloud` backend" in result.stderr
    assert "prod.yaml" not in result.stderr  # prod's release: section is not the cause
    assert "Traceback" not in result.stderr
    edit_yaml(config / "tiers" / "staging.yaml", lambda d: d.update(release={"store": S3}))
    assert validate(config).returncode == 0, validate(config).stderr


def test_bad_store_is_named(config):
    edit_yaml(
        config / "tiers" / "local.yaml",
        lambda d: d.update(release={"store": {"type": "s3", "bucket": "Not_A_Bucket"}}),
    )
    result = validate(config)
    assert result.returncode == 2
    assert "local.yaml: release.store.bucket: 'Not_A_Bucket' does not match" in result.stderr


def test_shared_tier_may_not_publish_dags_into_a_local_folder(config):
    edit_yaml(config / "tiers" / "dev.yaml", lambda d: d.pop("release"))
    result = validate(config)
    assert result.returncode == 2
    assert (
        "dev.yaml: airflow.flavor: tier 'dev' (kind dev) would publish its DAGs into a local "
        "folder on whichever machine deploys it"
    ) in result.stderr
