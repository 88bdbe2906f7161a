"""The guardrails' two ways of running (stacks/guardrails.py) find the same violations: the
Aspect a stack gets in a plain cdktf App (library users, Testing.synth) and the pass over the
synthesized JSON that Tierform's own app runs instead (tierform/stacks/app.py)."""

from __future__ import annotations

import json

import cdktf
from support import EXAMPLE_CONFIG

from tierform.config import load_platform
from tierform.config.tier import TierSpec
from tierform.stacks import guardrails
from tierform.stacks.tier_stack import TierStack


def _prod_stack(monkeypatch, outdir, *, after_synth: bool):
    # A construct bug: account objects named without the tier's rule, no prevent_destroy.
    import tierform.constructs.snowflake.databases as databases

    monkeypatch.setattr(TierSpec, "object_name", lambda self, logical: logical)
    monkeypatch.setattr(databases, "TerraformResourceLifecycle", lambda **kw: None)
    prod = load_platform(EXAMPLE_CONFIG).tier("prod")
    app = cdktf.App(outdir=str(outdir), stack_traces=False)
    if after_synth:
        with guardrails.after_synth():
            return TierStack(app, prod)
    return TierStack(app, prod)


def test_json_pass_finds_what_the_aspect_finds(monkeypatch, tmp_path):
    aspect_stack = _prod_stack(monkeypatch, tmp_path / "a", after_synth=False)
    cdktf.Testing.synth(aspect_stack)
    by_aspect = aspect_stack.guardrails.violations
    assert any("TIERFORM_GUARD_001" in v for v in by_aspect)
    assert any("TIERFORM_GUARD_002" in v for v in by_aspect)

    # The pass reads the construct paths from the written file's metadata ("//"), which
    # Testing.synth leaves out: synthesize the app as Tierform's app does.
    pass_stack = _prod_stack(monkeypatch, tmp_path / "b", after_synth=True)
    pass_stack.node.scope.synth()
    stack_json = json.loads((tmp_path / "b" / "stacks" / "prod" / "cdk.tf.json").read_text())
    assert pass_stack.guardrails.violations == []  # no Aspect ran
    assert sorted(pass_stack.guardrails.check_stack(stack_json)) == sorted(by_aspect)
    assert sorted(pass_stack.guardrails.violations) == sorted(by_aspect)


def test_after_synth_only_while_open(monkeypatch):
    with guardrails.after_synth():
        assert guardrails._AFTER_SYNTH.get() is True
    assert guardrails._AFTER_SYNTH.get() is False


def test_an_environment_in_a_stack_of_ones_own_carries_its_tiers_guardrails(monkeypatch):
    """A library user's TerraformStack has no tier: each environment construct guards its
    own subtree with its tier's rules; under a TierStack it leaves that to the stack (so a
    violation is reported once)."""
    import tierform.constructs.snowflake.databases as databases
    from tierform.constructs import SnowflakeEnvironment, SnowflakeEnvironmentProps

    monkeypatch.setattr(TierSpec, "object_name", lambda self, logical: logical)
    monkeypatch.setattr(databases, "TerraformResourceLifecycle", lambda **kw: None)
    prod = load_platform(EXAMPLE_CONFIG).tier("prod")
    app = cdktf.App(stack_traces=False)
    stack = cdktf.TerraformStack(app, "mine")
    environment = SnowflakeEnvironment(
        stack, "warehouse", SnowflakeEnvironmentProps.from_tier(prod)
    )
    cdktf.Testing.synth(stack)
    found = environment.guardrails.violations
    assert any("TIERFORM_GUARD_001" in v and "mine/warehouse/" in v for v in found), found
    assert any("TIERFORM_GUARD_002" in v for v in found), found

    tier_stack = TierStack(cdktf.App(stack_traces=False), prod)
    assert tier_stack.snowflake.guardrails is None  # the stack's own guardrails cover it
