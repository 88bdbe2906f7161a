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

    @field_validator("pattern")
    @classmethod
    def _known_placeholders(cls, pattern: str) -> str:
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

    def check_result(self, tier: str) -> str | None:
        """Problem with names this rule makes for `tier`, or None."""
        sample = self.apply("X", tier)
        if not _RESULT.fullmatch(sample):
            return (
                f"{shorten(self.pattern)} makes names like {shorten(sample)} for tier {tier!r}, which are not "
                "valid unquoted identifiers (letters, digits, _)"
            )
        return None
