"""Snowflake provider roles per tier (issue 10 B): `snowflake.provider_roles` names the role
each provider alias acts as; inherited through `extends`; validated as role names.
Synthesized with cdktf.Testing (no Snowflake account involved)."""

from __future__ import annotations

import json

import cdktf
import pytest
from support import copy_config, edit_yaml, run_synth_in_process

from tierform.config import load_platform
from tierform.stacks.sandbox_stack import SandboxStack
from tierform.stacks.tier_stack import TierStack


def _roles(stack_json: str) -> dict[str, str]:
    return {p["alias"]: p["role"] for p in json.loads(stack_json)["provider"]["snowflake"]}


@pytest.fixture
def config(tmp_path):
    return copy_config(tmp_path)


def test_roles_are_set_per_tier_and_inherited(config):
    edit_yaml(
        config / "tiers/prod.yaml",
        lambda d: d["snowflake"].update(
            provider_roles={"objects": "TIERFORM_OBJECTS", "security": "TIERFORM_SECURITY"}
        ),
    )
    edit_yaml(
        config / "tiers/dev.yaml",
        lambda d: d["snowflake"].update(provider_roles={"objects": "DEV_DEPLOYER"}),
    )
    platform = load_platform(config)
    app = cdktf.App(stack_traces=False)
    prod = cdktf.Testing.synth(TierStack(app, platform.tier("prod")))
    staging = cdktf.Testing.synth(TierStack(app, platform.tier("staging")))
    dev = cdktf.Testing.synth(TierStack(app, platform.tier("dev")))
    sandbox = cdktf.Testing.synth(SandboxStack(app, platform.sandboxes[0]))
    expected = {
        "sysadmin": "TIERFORM_OBJECTS",
        "securityadmin": "TIERFORM_SECURITY",
        "accountadmin": "ACCOUNTADMIN",  # not set: the default
    }
    assert _roles(prod) == expected
    assert _roles(staging) == expected  # staging extends prod
    assert _roles(dev) == {**expected, "sysadmin": "DEV_DEPLOYER"}  # key by key
    assert _roles(sandbox) == {"sysadmin": "DEV_DEPLOYER", "securityadmin": "TIERFORM_SECURITY"}


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ({"objects": "sysadmin"}, "snowflake.provider_roles.objects: 'sysadmin' is not a valid"),
        ({"security": "SECURITY ADMIN"}, "snowflake.provider_roles.security:"),
        ({"owner": "SYSADMIN"}, "snowflake.provider_roles.owner: unknown key"),
    ],
)
def test_bad_role_names_are_refused_with_exit_2(config, tmp_path, roles, expected):
    edit_yaml(config / "tiers/prod.yaml", lambda d: d["snowflake"].update(provider_roles=roles))
    result = run_synth_in_process(config, tmp_path / "out")
    assert result.returncode == 2
    assert "prod.yaml" in result.stderr and expected in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()


def test_the_second_platform_deploys_dev_with_custom_roles():
    """helix's dev tier names its own roles; its qa tier (no provider_roles) keeps the defaults."""
    from support import HELIX_CONFIG

    platform = load_platform(HELIX_CONFIG)
    app = cdktf.App(stack_traces=False)
    assert _roles(cdktf.Testing.synth(TierStack(app, platform.tier("dev")))) == {
        "sysadmin": "TIERFORM_OBJECTS",
        "securityadmin": "TIERFORM_SECURITY",
        "accountadmin": "ACCOUNTADMIN",
    }
    assert (
        _roles(cdktf.Testing.synth(TierStack(app, platform.tier("qa"))))["sysadmin"] == "SYSADMIN"
    )
