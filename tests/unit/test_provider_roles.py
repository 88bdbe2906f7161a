"""The Snowflake provider roles are settable per tier (`snowflake.connection.roles`):
helix's dev tier deploys with custom roles, the example keeps Snowflake's system roles."""

from __future__ import annotations

import json

import cdktf
from support import EXAMPLE_CONFIG, HELIX_CONFIG

from tierform.config import load_platform
from tierform.stacks.tier_stack import TierStack


def _provider_roles(config, tier: str) -> dict[str, str]:
    app = cdktf.Testing.app()
    stack = json.loads(cdktf.Testing.synth(TierStack(app, load_platform(config).tier(tier))))
    return {p["alias"]: p["role"] for p in stack["provider"]["snowflake"]}


def test_a_tier_names_its_own_provider_roles():
    assert _provider_roles(HELIX_CONFIG, "dev") == {
        "sysadmin": "TIERFORM_OBJECTS",
        "securityadmin": "TIERFORM_SECURITY",
        "accountadmin": "ACCOUNTADMIN",
    }
    # helix's qa inherits prod's connection without roles: the defaults.
    assert _provider_roles(HELIX_CONFIG, "qa")["sysadmin"] == "SYSADMIN"


def test_the_default_roles_are_snowflakes_system_roles():
    assert _provider_roles(EXAMPLE_CONFIG, "prod") == {
        "sysadmin": "SYSADMIN",
        "securityadmin": "SECURITYADMIN",
        "accountadmin": "ACCOUNTADMIN",
    }
