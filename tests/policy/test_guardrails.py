"""Synth-time guardrails through the real synth (main.py's code path, as `cdktf synth` runs
it): a violation fails the synth with exit 1, names the construct path and the rule, prints
no traceback and leaves the previous cdktf.out untouched.

The example config cannot produce a violation (that is the point of the constructs), so
each test simulates a construct bug by patching one function before running the real
`tierform.synth.main()` in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from support import EXAMPLE_CONFIG, REPO, run_synth, tool_env, tree_snapshot

from tierform.config.naming import NamingRule


def synth_with_bug(bug: str, outdir, **env: str) -> subprocess.CompletedProcess:
    code = f"import sys\n{bug}\nfrom tierform.synth import main\nsys.exit(main())\n"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=tool_env(TIERFORM_CONFIG=str(EXAMPLE_CONFIG), CDKTF_OUTDIR=str(outdir), **env),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def previous_output(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("guard") / "cdktf.out"
    result = run_synth(EXAMPLE_CONFIG, outdir, TIERFORM_TIERS="prod")
    assert result.returncode == 0, result.stderr
    return outdir


FORGET_PREVENT_DESTROY = (
    "import tierform.constructs.snowflake.databases as d\n"
    "d.TerraformResourceLifecycle = lambda **kw: None  # a construct that forgets it\n"
)
IGNORE_NAMING_RULE = (
    "from tierform.config.tier import TierSpec\n"
    "TierSpec.object_name = lambda self, logical: logical  # a construct that skips the rule\n"
)


def test_protected_data_store_without_prevent_destroy_fails_synth(previous_output):
    before = tree_snapshot(previous_output)
    # Even cdktf's escape hatch must not let a guardrail violation through.
    result = synth_with_bug(
        FORGET_PREVENT_DESTROY,
        previous_output,
        TIERFORM_TIERS="prod",
        CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS="true",
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert (
        "prod/snowflake/databases/databases: TIERFORM_GUARD_001 protected-data-stores: "
        "snowflake_database in protected tier 'prod' lacks lifecycle.prevent_destroy"
    ) in result.stderr
    assert "prod/snowflake/databases/schemas: TIERFORM_GUARD_001" in result.stderr
    assert tree_snapshot(previous_output) == before


def test_unprotected_tier_may_omit_prevent_destroy(tmp_path):
    result = synth_with_bug(FORGET_PREVENT_DESTROY, tmp_path / "out", TIERFORM_TIERS="staging")
    assert result.returncode == 0, result.stderr


def test_name_outside_the_naming_rule_fails_synth(previous_output):
    before = tree_snapshot(previous_output)
    result = synth_with_bug(IGNORE_NAMING_RULE, previous_output, TIERFORM_TIERS="prod")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert (
        "prod/snowflake/warehouses/warehouses: TIERFORM_GUARD_002 naming-rule: "
        "snowflake_warehouse [\"LOADING\"] name 'LOADING' does not follow the naming rule "
        "'{name}_{TIER}' of tier 'prod'"
    ) in result.stderr
    assert tree_snapshot(previous_output) == before


@pytest.mark.parametrize(
    ("pattern", "tier", "good", "bad"),
    [
        ("{name}_{TIER}", "prod", "RAW_PROD", "RAW_DEV"),
        ("{TIER}_{name}", "dev", "DEV_RAW", "RAW_DEV"),
        ("{name}", "prod", "RAW", "raw"),
    ],
)
def test_naming_regex(pattern, tier, good, bad):
    from tierform.stacks.guardrails import naming_regex

    regex = naming_regex(NamingRule(pattern=pattern), tier)
    assert regex.match(good)
    assert not regex.match(bad)
