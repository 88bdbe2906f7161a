"""Synth-time guardrails (a cdktf Aspect): some mistakes must stop `cdktf synth` itself,
before any plan exists. Each violation is an ERROR annotation on the offending construct,
which makes `app.synth()` fail; tierform/synth.py prints them and exits 1.

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
from typing import Any

import jsii

from tierform.config.naming import NamingRule
from tierform.constructs.foreach import literal_map
from tierform.constructs.framework import (
    Annotations,
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
        block = _config(node)
        protects = (block.get("lifecycle") or {}).get("prevent_destroy") is True
        if (
            self.protected
            and rtype in DATA_STORE_TYPES
            and rtype not in self.unguarded
            and not protects
        ):
            self._error(
                node,
                f"TIERFORM_GUARD_001 protected-data-stores: {rtype} in protected tier "
                f"{self.tier!r} lacks lifecycle.prevent_destroy",
            )
        if rtype in NAMED_BY_RULE:
            for key, name in _names(block):
                if not isinstance(name, str) or "${" in name:
                    continue  # a reference: named where it is defined
                if not self.pattern.match(name):
                    where = f'["{key}"] ' if key is not None else ""
                    self._error(
                        node,
                        f"TIERFORM_GUARD_002 naming-rule: {rtype} {where}name {name!r} does not "
                        f"follow the naming rule {self.naming.pattern!r} of tier {self.tier!r}",
                    )
