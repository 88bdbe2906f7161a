"""The tier-aware naming rule for account-level objects (databases, warehouses, roles, users)."""

from __future__ import annotations

import re
import string

from pydantic import field_validator

from tierform.config.base import Spec
from tierform.config.error_format import shorten

_PLACEHOLDERS = {"name", "tier", "TIER"}
_RESULT = re.compile(r"[A-Z][A-Z0-9_]*")  # fullmatch: `$` would accept a trailing newline


class NamingRule(Spec):
    """`pattern` turns a logical name into the object's name in a tier.

    `{name}_{TIER}` suits one Snowflake account shared by several tiers (RAW → RAW_PROD);
    `{name}` suits one account per tier. Placeholders: {name}, {tier} (lower), {TIER} (upper).
    """

    pattern: str = "{name}_{TIER}"
    # Cloud resources (S3 buckets, MWAA environments and their IAM roles, Astronomer
    # deployments) live in namespaces that tiers share (S3 bucket names are global) even
    # when each tier has its own Snowflake account: unset, they follow `pattern` when it
    # names the tier, else `{name}-{tier}`. Lower-cased, `_` becomes `-`.
    cloud_pattern: str | None = None

    @field_validator("pattern", "cloud_pattern")
    @classmethod
    def _known_placeholders(cls, pattern: str | None) -> str | None:
        if pattern is None:
            return None
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None}
        except ValueError as exc:
            raise ValueError(f"{shorten(pattern)} is not a valid pattern: {exc}") from None
        unknown = fields - _PLACEHOLDERS
        if unknown:
            raise ValueError(
                f"unknown placeholder {{{sorted(unknown)[0]}}} in {shorten(pattern)}; "
                "use {name}, {tier} or {TIER}"
            )
        if "name" not in fields:
            raise ValueError(f"{shorten(pattern)} must contain {{name}}")
        return pattern

    def apply(self, name: str, tier: str) -> str:
        return self.pattern.format(name=name, tier=tier.lower(), TIER=tier.upper()).upper()

    @property
    def effective_cloud_pattern(self) -> str:
        if self.cloud_pattern is not None:
            return self.cloud_pattern
        return self.pattern if _names_tier(self.pattern) else "{name}-{tier}"

    def apply_cloud(self, name: str, tier: str) -> str:
        """A cloud resource name: lower case with hyphens (valid for S3, MWAA, IAM, Astro)."""
        made = self.effective_cloud_pattern.format(name=name, tier=tier.lower(), TIER=tier.upper())
        return made.lower().replace("_", "-")

    def check_result(self, tier: str) -> str | None:
        """Problem with names this rule makes for `tier`, or None."""
        sample = self.apply("X", tier)
        if not _RESULT.fullmatch(sample):
            return (
                f"{shorten(self.pattern)} makes names like {shorten(sample)} for tier {tier!r}, which are not "
                "valid unquoted identifiers (letters, digits, _)"
            )
        return None


def _names_tier(pattern: str) -> bool:
    return any(f in ("tier", "TIER") for _, f, _, _ in string.Formatter().parse(pattern))
