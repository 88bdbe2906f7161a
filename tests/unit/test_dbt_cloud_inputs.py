"""`tierform inputs` of a dbt_cloud tier (helix uat): the dbt Cloud provider's token for plan
and apply, the account settings derived from config, the release's API token and the
credential's secret for apply, the token alone for data CI — and none of the dbt profile's
variables, which dbt Cloud does not read."""

from __future__ import annotations

import json

import cdktf
import pytest
from support import HELIX_CONFIG

from tierform.config import load_platform
from tierform.gitops.inputs import derive, for_job
from tierform.release.triggers import tier_triggers
from tierform.stacks.tier_stack import TierStack


@pytest.fixture(scope="module")
def inputs():
    platform = load_platform(HELIX_CONFIG)
    tier = platform.tier("uat")
    stack = TierStack(
        cdktf.App(stack_traces=False),
        tier,
        release=tier_triggers(platform, tier),
        dbt_cloud=platform.dbt_cloud_environment(tier),
    )
    return derive(platform, "uat", json.loads(cdktf.Testing.synth(stack)), HELIX_CONFIG.parent)


def names(inputs, job: str) -> dict[str, tuple[str, str, str]]:
    return {i.name: (i.kind, i.source, i.value) for i in for_job(inputs, job)}


def test_plan_needs_the_provider_token_and_gets_the_account_from_config(inputs):
    plan = names(inputs, "plan")
    assert plan["DBT_CLOUD_TOKEN"] == ("secret", "secret", "")
    assert plan["DBT_CLOUD_ACCOUNT_ID"] == ("variable", "fixed", "70001")
    assert plan["DBT_CLOUD_HOST_URL"] == ("variable", "fixed", "https://hx123.us1.dbt.com/api")
    assert "SNOWFLAKE_TRANSFORM_PRIVATE_KEY" not in plan


def test_apply_needs_the_credentials_secret_by_name(inputs):
    apply = names(inputs, "apply")
    assert apply["SNOWFLAKE_TRANSFORM_PRIVATE_KEY"][:2] == ("secret", "secret")
    passphrase = next(i for i in inputs if i.name == "SNOWFLAKE_TRANSFORM_PRIVATE_KEY_PASSPHRASE")
    assert passphrase.optional and passphrase.jobs == ("apply",)
    # profiles.yml's env_var('HELIX_QUERY_TAG') is dbt-core's, not dbt Cloud's
    assert "HELIX_QUERY_TAG" not in apply


def test_data_ci_needs_only_the_api_token(inputs):
    ci = names(inputs, "ci")
    assert "DBT_CLOUD_TOKEN" in ci
    assert "SNOWFLAKE_TRANSFORM_PRIVATE_KEY" not in ci and "HELIX_QUERY_TAG" not in ci
