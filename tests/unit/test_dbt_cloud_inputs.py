"""`tierform inputs` on a tier whose dbt runner is dbt Cloud: the apply and CI jobs need the
dbt Cloud token (by the tier's variable name), not the dbt profile's credentials."""

from __future__ import annotations

import dataclasses

from support import EXAMPLE_CONFIG

from tierform.config import load_platform
from tierform.config.dbt_cloud_step import DbtCloudStep
from tierform.config.platform import PlatformConfig
from tierform.gitops.inputs import release_inputs


def test_a_dbt_cloud_tier_needs_its_token_not_the_profile(monkeypatch):
    platform = load_platform(EXAMPLE_CONFIG)
    tier = platform.tiers["prod"]
    core = {i.name for i in release_inputs(platform, tier, platform.repo_root)}
    assert "SNOWFLAKE_DBT_PRIVATE_KEY" in core  # dbt-core: the tier's dbt service user
    cloud = DbtCloudStep(1, "https://cloud.getdbt.com", 2, token_env="ACME_DBT_CLOUD_TOKEN")
    resolve = PlatformConfig.dbt_step
    monkeypatch.setattr(
        PlatformConfig,
        "dbt_step",
        lambda self, t: dataclasses.replace(resolve(self, t), runner="dbt_cloud", cloud=cloud),
    )
    found = {i.name: i for i in release_inputs(platform, tier, platform.repo_root)}
    token = found["ACME_DBT_CLOUD_TOKEN"]
    assert token.kind == "secret" and set(token.jobs) == {"apply", "ci"}
    assert not any("SNOWFLAKE" in name for name in found), sorted(found)
