"""Suppressions: a versioned file, one entry per accepted finding, each with a reason.

Inline `//` skip comments cannot work on cdktf output (checkov ignores them in
cdk.tf.json), and a global `--skip-check` would hide every future instance too. An entry
names the check, the resource (optionally one for_each instance) and the stacks, so a
suppression covers exactly what was reviewed.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pydantic import Field, ValidationError, field_validator

from tierform.config.base import Spec
from tierform.config.error_format import issues_from_validation
from tierform.config.errors import ConfigError, ConfigIssue
from tierform.config.loader import display_path
from tierform.config.yaml_io import read_yaml_mapping

FILE_NAME = "policy-suppressions.yaml"
_CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9_]+$")


def _glob(pattern: str) -> re.Pattern[str]:
    """Only `*` is a wildcard: addresses contain brackets, which fnmatch would misread."""
    return re.compile("^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$")


class Suppression(Spec):
    check: str
    # `type.name` for the whole resource, `type.name["KEY"]` for one for_each instance;
    # shell-style wildcards (*) allowed.
    resource: str = Field(min_length=1)
    # Stack names (wildcards allowed); empty means every stack.
    stacks: list[str] = Field(default_factory=list)
    reason: str
    expires: dt.date | None = None

    @field_validator("check")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _CHECK_ID.match(value):
            raise ValueError(f"{value!r} is not a check ID (e.g. CKV_TF_SF_001)")
        return value

    @field_validator("reason")
    @classmethod
    def _real_reason(cls, value: str) -> str:
        if len(value.strip()) < 10:
            raise ValueError("give the reason this finding is accepted (a sentence, not a word)")
        return value.strip()

    def matches(self, check_id: str, stack: str, address: str, instance: str | None) -> bool:
        if check_id != self.check:
            return False
        if self.stacks and not any(_glob(s).match(stack) for s in self.stacks):
            return False
        targets = [address] if instance is None else [address, f'{address}["{instance}"]']
        return any(_glob(self.resource).match(t) for t in targets) and (
            instance is not None or "[" not in self.resource
        )

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today


class SuppressionFile(Spec):
    suppressions: list[Suppression] = Field(default_factory=list)


def load_suppressions(path: Path) -> list[Suppression]:
    """The entries of `path` ([] when the file does not exist); ConfigError when invalid."""
    if not path.exists():
        return []
    shown = display_path(path)
    raw = read_yaml_mapping(path, shown)
    # YAML reads `2026-12-31` as a date, which strict mode accepts for a date field.
    try:
        return list(SuppressionFile.model_validate(raw).suppressions)
    except ValidationError as exc:
        issues = issues_from_validation(exc, raw, lambda _path: shown)
        raise ConfigError(issues or [ConfigIssue(shown, "", str(exc))]) from None
