"""Synth-time guardrails: some mistakes must stop `cdktf synth` itself, before any plan
exists; tierform/synth.py prints the violations and exits 1.

Inside Tierform's own app (tierform/stacks/app.py, `after_synth`) they run as a Python pass
over the synthesized stack JSON, which the app parses anyway: as a cdktf Aspect, node calls
back for every construct and each checked resource is resolved again through jsii. A stack
built elsewhere (a library user's App, `Testing.synth`) gets the Aspect, which reports each
violation as an ERROR annotation on the offending construct (that fails `app.synth()`).
Both read the block as written and apply the same rules (`block_violations`).

- TIERFORM_GUARD_001 protected-data-stores: in a protected tier, every data store
  (Snowflake databases and schemas, Databricks catalogs and schemas, S3 buckets) carries
  lifecycle.prevent_destroy. The config sets it; this catches a construct that forgets it.
- TIERFORM_GUARD_002 naming-rule: account-level Snowflake objects (databases, warehouses,
  account roles, users, resource monitors) are named by the tier's naming rule
  (`naming.pattern`), so tiers sharing an account never collide.

The policy gate checks the same things after synth; these make them impossible to emit.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import jsii

from tierform.config.naming import NamingRule
from tierform.constructs.foreach import literal_map
from tierform.constructs.framework import (
    Annotations,
    Aspects,
    DefaultTokenResolver,
    IAspect,
    IConstruct,
    StringConcat,
    TerraformResource,
    Token,
    Tokenization,
)
from tierform.policy.checkov_checks.tierform_data_stores import (
    PROTECTED_DATA_STORES,
    RETIRABLE_BLOCK_TYPES,
)

DATA_STORE_TYPES = frozenset(PROTECTED_DATA_STORES)
NAMED_BY_RULE = frozenset(
    {
        "snowflake_database",
        "snowflake_warehouse",
        "snowflake_account_role",
        "snowflake_service_user",
        "snowflake_legacy_service_user",
        "snowflake_user",
        "snowflake_resource_monitor",
        "snowflake_network_policy",
    }
)
_EACH = re.compile(r"^\$\{each\.value\.([A-Za-z0-9_]+)\}$")


def naming_regex(rule: NamingRule, tier: str) -> re.Pattern[str]:
    """Names the rule can produce for `tier`: the pattern with {name} as any identifier."""
    marker = "\x00"
    sample = rule.pattern.format(name=marker, tier=tier.lower(), TIER=tier.upper()).upper()
    before, _, after = sample.partition(marker)
    return re.compile(f"^{re.escape(before)}[A-Z][A-Z0-9_]*{re.escape(after)}$")


def _config(resource: TerraformResource) -> dict[str, Any]:
    """The resource's block as it will be written (overrides applied, tokens resolved).

    A for_each made by constructs/foreach.py is taken from its literal map rather than
    resolved: resolving it would ship the whole map back from node for every data store.
    """
    written = resource.to_terraform()
    blocks = written["resource"][resource.terraform_resource_type]
    name, block = next(iter(blocks.items()))
    # Only the iterator's own token: a for_each overridden with a literal is read as written.
    token = block.get("for_each")
    known = (
        literal_map(resource.for_each)
        if isinstance(token, str) and Token.is_unresolved(token)
        else None
    )
    if known is not None:
        block = {k: v for k, v in block.items() if k != "for_each"}
        written = {"resource": {resource.terraform_resource_type: {name: block}}}
    resolved = Tokenization.resolve(
        written,
        scope=resource,
        preparing=False,
        resolver=DefaultTokenResolver(StringConcat()),
    )
    config = next(iter(resolved["resource"][resource.terraform_resource_type].values()))
    if known is not None:
        config["for_each"] = known
    return config


def _names(block: dict[str, Any]) -> list[tuple[str | None, Any]]:
    """(for_each key, name) of every instance, with each.value references resolved."""
    name = block.get("name")
    for_each = block.get("for_each")
    match = _EACH.match(name) if isinstance(name, str) else None
    if match and isinstance(for_each, dict):
        return [(key, (value or {}).get(match.group(1))) for key, value in for_each.items()]
    return [(None, name)]


# The resource types of each retirable data-store block (tierform/config/protection.py).
BLOCK_TYPES = RETIRABLE_BLOCK_TYPES


class GuardrailViolation(Exception):
    """Raised by the synth when any guardrail found a violation; carries `path: message`."""

    def __init__(self, violations: list[str]):
        self.violations = violations
        super().__init__("\n".join(violations))


@jsii.implements(IAspect)
class GuardRails:
    """Also records what it reported in `violations` (`construct path: message`): the
    annotation fails `app.synth()`, but cdktf's CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS
    would let it through, so the synth checks this list as well."""

    def __init__(
        self,
        *,
        tier: str,
        protected: bool,
        naming: NamingRule,
        unguarded: frozenset[str] = frozenset(),
    ):
        self.tier = tier
        self.protected = protected
        # Data-store types whose block a `retire:` entry lifted prevent_destroy from.
        self.unguarded = unguarded
        self.naming = naming
        self.pattern = naming_regex(naming, tier)
        self.violations: list[str] = []

    def _error(self, node: IConstruct, message: str) -> None:
        Annotations.of(node).add_error(message)
        self.violations.append(f"{node.node.path}: {message}")

    def visit(self, node: IConstruct) -> None:
        if not isinstance(node, TerraformResource):
            return
        rtype = node.terraform_resource_type
        if rtype not in DATA_STORE_TYPES and rtype not in NAMED_BY_RULE:
            return
        for message in self.block_violations(rtype, _config(node)):
            self._error(node, message)

    def check_stack(self, stack_json: dict[str, Any]) -> list[str]:
        """`construct path: message` for each violation in a synthesized stack's JSON (the
        pass `after_synth` stands for); also recorded in `violations`."""
        found = []
        for rtype, blocks in (stack_json.get("resource") or {}).items():
            if rtype not in DATA_STORE_TYPES and rtype not in NAMED_BY_RULE:
                continue
            for name, block in blocks.items():
                meta = (block.get("//") or {}).get("metadata") or {}
                path = meta.get("path") or f"{name}"
                found += [f"{path}: {m}" for m in self.block_violations(rtype, block)]
        self.violations += found
        return found

    def block_violations(self, rtype: str, block: dict[str, Any]) -> Iterator[str]:
        """The messages for one resource block of type `rtype`, as written."""
        protects = (block.get("lifecycle") or {}).get("prevent_destroy") is True
        if (
            self.protected
            and rtype in DATA_STORE_TYPES
            and rtype not in self.unguarded
            and not protects
        ):
            yield (
                f"TIERFORM_GUARD_001 protected-data-stores: {rtype} in protected tier "
                f"{self.tier!r} lacks lifecycle.prevent_destroy"
            )
        if rtype in NAMED_BY_RULE:
            for key, name in _names(block):
                if not isinstance(name, str) or "${" in name:
                    continue  # a reference: named where it is defined
                if not self.pattern.match(name):
                    where = f'["{key}"] ' if key is not None else ""
                    yield (
                        f"TIERFORM_GUARD_002 naming-rule: {rtype} {where}name {name!r} does not "
                        f"follow the naming rule {self.naming.pattern!r} of tier {self.tier!r}"
                    )


_AFTER_SYNTH: ContextVar[bool] = ContextVar("tierform_guardrails_after_synth", default=False)


@contextmanager
def after_synth() -> Iterator[None]:
    """While open, stacks built do not add the Aspect: the caller must run each stack's
    `guardrails.check_stack` on its synthesized JSON (tierform/stacks/app.py does)."""
    token = _AFTER_SYNTH.set(True)
    try:
        yield
    finally:
        _AFTER_SYNTH.reset(token)


# Constructs that carry guardrails: a tier or sandbox stack, or an environment a library
# user put in a stack of their own (weak: an app that is gone takes its entries along).
_GUARDED: weakref.WeakSet = weakref.WeakSet()


def attach(stack: IConstruct, guardrails: GuardRails) -> None:
    """Run `guardrails` over `stack`: as an Aspect, unless `after_synth` is open."""
    _GUARDED.add(stack)
    if not _AFTER_SYNTH.get():
        Aspects.of(stack).add(guardrails)


def for_tier(tier) -> GuardRails:
    """The guardrails of a tier (a TierSpec): its protection, naming rule, and the data-store
    types a `retire:` entry lifted prevent_destroy from."""
    from tierform.config.protection import guards

    return GuardRails(
        tier=tier.name,
        protected=tier.is_protected,
        naming=tier.naming,
        unguarded=frozenset(
            rtype
            for block, rtypes in BLOCK_TYPES.items()
            if not guards(tier, block)
            for rtype in rtypes
        ),
    )


def guard_environment(environment: IConstruct, tier) -> GuardRails | None:
    """An environment construct's own guardrails, for its subtree only, where no tier or
    sandbox stack above it carries them: a library user's stack (two environments of two
    tiers in one stack are each checked by their own tier's rules). None where the stack's
    guardrails (or Tierform's pass over the JSON) cover it."""
    if _AFTER_SYNTH.get():
        return None  # Tierform's own app: its stacks are checked on their JSON
    if any(scope in _GUARDED for scope in environment.node.scopes):
        return None
    own = for_tier(tier)
    attach(environment, own)
    return own
