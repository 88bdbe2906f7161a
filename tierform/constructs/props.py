"""Props of the environment constructs: one typed, validated object per construct.

The YAML loader builds a TierSpec and checks it; `<X>Props.from_tier(tier)` takes the part a
construct needs from it (already checked, so not checked again: synth stays as fast as it
was). A Python user builds props directly, with defaults for everything but the section
itself, and gets the checks the loader makes, with the loader's messages:

    SnowflakeEnvironmentProps(tier="analytics", snowflake={...})
    → ConfigError: SnowflakeEnvironmentProps: snowflake.roles.READER.databases.NOPE:
      'NOPE' is not a declared database (declared: RAW)

No cdktf here (importing props costs nothing); the constructs live in their packages.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal, Self, TypeVar

from pydantic import Field, PrivateAttr, ValidationError, model_validator

from tierform.config.airflow import AirflowSpec
from tierform.config.base import Slug, Spec
from tierform.config.databricks import DatabricksSpec
from tierform.config.error_format import issues_from_validation, join_path
from tierform.config.errors import ConfigError, ConfigIssue
from tierform.config.naming import NamingRule
from tierform.config.protection import RetireSpec
from tierform.config.secrets import secrets_in
from tierform.config.snowflake import SnowflakeSpec
from tierform.config.tier import DeveloperSpec, TierKind, TierSpec
from tierform.policy.checkov_checks.tierform_secret_shapes import SECRET_NAME

_PREFIX = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def check_address_prefix(prefix: str) -> str:
    """The one rule for an address prefix (tierform/constructs/addresses.py): a fragment of a
    Terraform identifier (lower case, digits, `_`)."""
    if not _PREFIX.match(prefix):
        raise ValueError(
            f"address_prefix {prefix[:60]!r}: expected lower-case letters, digits and '_', "
            "starting with a letter, at most 40 characters"
        )
    return prefix


class Props(Spec):
    """Props report bad values as the loader does: one `ConfigError` line per mistake,
    `<PropsClass>: <field path>: <what was expected>`, instead of pydantic's report."""

    def __init__(self, **data: Any):
        source = type(self).__name__
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise ConfigError(issues_from_validation(exc, data, lambda _: source)) from None
        # The loader's secret rule (config/secrets.py), for props built in code: a key or a
        # token in a comment or a trigger would land in the synthesized JSON and the state.
        # (Props from a loaded tier, `from_tier`, were checked by the loader already.)
        found = [
            ConfigIssue(source, join_path(path), message)
            for path, message in secrets_in(self.model_dump(mode="python"))
        ]
        if found:
            raise ConfigError(found)


class EnvironmentProps(Props):
    """What every environment construct needs besides its own section.

    `tier`: the name physical names and tags carry; `kind` and `protected` decide defaults
    (paused jobs off prod) and `prevent_destroy` on data stores; `retire` lifts it on purpose;
    `address_prefix`: set it on the second copy of a construct in one stack
    (`analytics` → `snowflake_database.analytics_databases`); without it, addresses are the
    single-instance ones every tier stack uses.
    """

    section: ClassVar[str]

    tier: Slug
    kind: TierKind = "dev"
    protected: bool | None = None
    naming: NamingRule = Field(default_factory=NamingRule)
    retire: list[RetireSpec] = Field(default_factory=list)
    address_prefix: str | None = None

    # The tier the loader built and checked (from_tier), or the one built from these props.
    _tier: TierSpec | None = PrivateAttr(default=None)

    @classmethod
    def from_tier(cls, tier: TierSpec, **extra: Any) -> Self:
        """Props from a tier the loader validated (no second check)."""
        fields = {
            "tier": tier.name,
            "kind": tier.kind,
            "protected": tier.protected,
            "naming": tier.naming,
            "retire": tier.retire,
            cls.section: getattr(tier, cls.section),
            **cls._from_tier_extra(tier),
            **extra,
        }
        props = cls.model_construct(**fields)
        props._tier = tier
        return props

    @classmethod
    def _from_tier_extra(cls, tier: TierSpec) -> dict[str, Any]:
        return {}

    def tier_fields(self) -> dict[str, Any]:
        return {
            "name": self.tier,
            "kind": self.kind,
            "protected": self.protected,
            "naming": self.naming,
            "retire": self.retire,
            self.section: getattr(self, self.section),
        }

    def tier_spec(self) -> TierSpec:
        """The TierSpec view the construct's pieces work on."""
        if self._tier is None:
            self._tier = TierSpec.model_validate(self.tier_fields())
        return self._tier

    @model_validator(mode="after")
    def _check(self) -> Self:
        """The loader's checks of this section, with the loader's messages."""
        if self.address_prefix is not None:
            check_address_prefix(self.address_prefix)
        source = type(self).__name__
        data = self.tier_fields()
        try:
            tier = TierSpec.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(issues_from_validation(exc, data, lambda _: source)) from None
        self._tier = tier
        return self.check()

    def check(self) -> Self:
        """Raise the loader's cross-reference problems of this section as one ConfigError
        (`<PropsClass>: <field path>: <message>`); return self when there are none."""
        from tierform.config.deployed import check_retire_names

        source = type(self).__name__
        tier = self.tier_spec()
        issues = [
            ConfigIssue(source, join_path(path), message)
            for path, message in section_problems(tier, self.section)
        ]
        # Props built in code have no deployment record: a retire entry must name a store
        # of the section (a typo would lift nothing, silently).
        issues += check_retire_names(tier, None, source, section=self.section)
        if issues:
            raise ConfigError(issues)
        return self


P = TypeVar("P", bound=EnvironmentProps)


def environment_props(kind: type[P], props: P | None, tier: TierSpec | None) -> P:
    """A construct's props: given, or taken from `tier=` (the older form) and checked, since
    a hand-made TierSpec may not have been through the loader. (TierStack passes
    `from_tier(tier)` props itself: its tiers were checked once, by the loader.)"""
    if (props is None) == (tier is None):
        raise TypeError(f"pass either {kind.__name__} or tier=, not both or neither")
    if props is None:
        assert tier is not None
        if getattr(tier, kind.section) is None:
            raise ValueError(f"tier {tier.name!r} has no {kind.section} section")
        return kind.from_tier(tier).check()
    if not isinstance(props, kind):
        raise TypeError(f"expected {kind.__name__}, got {type(props).__name__}")
    return props


def section_problems(tier: TierSpec, section: str) -> list[tuple[list[str | int], str]]:
    """The loader's cross-reference and name-length problems of one section of a tier.
    Imported late: the checks import the whole config layer."""
    from tierform.config.name_limits import check_name_lengths
    from tierform.config.references import check_tier

    problems = [*check_tier(tier, None), *check_name_lengths(tier)]
    return [(path, message) for path, message in problems if path and path[0] == section]


class SnowflakeEnvironmentProps(EnvironmentProps):
    """Props of SnowflakeEnvironment: the `snowflake:` section of a tier."""

    section: ClassVar[str] = "snowflake"
    snowflake: SnowflakeSpec


class DatabricksEnvironmentProps(EnvironmentProps):
    """Props of DatabricksEnvironment: the `databricks:` section, and the developers whose
    Databricks users get USE_CATALOG for their sandbox schemas."""

    section: ClassVar[str] = "databricks"
    databricks: DatabricksSpec
    developers: list[DeveloperSpec] = Field(default_factory=list)

    @classmethod
    def _from_tier_extra(cls, tier: TierSpec) -> dict[str, Any]:
        return {"developers": tier.developers}

    def tier_fields(self) -> dict[str, Any]:
        return {**super().tier_fields(), "developers": self.developers}


class AirflowEnvironmentProps(EnvironmentProps):
    """Props of AirflowEnvironment: the `airflow:` section (flavor local, mwaa, astronomer)."""

    section: ClassVar[str] = "airflow"
    airflow: AirflowSpec


# local-exec runs in cdktf.out/stacks/<stack>: the repository root is three levels up.
ROOT_FALLBACK = "../../.."
# A relative folder of plain names: no `..`, no leading `/` or `.`, nothing the shell or
# Terraform would read as syntax.
CONFIG_FOLDER_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*$"


class ReleaseStepProps(Props):
    """Props of ReleaseStep: which step of which tier, and its triggers (content hashes the
    caller computed; `tierform.release.triggers.tier_triggers` for a platform). `environment`:
    variables the step's command gets from the stack (names → references, never secrets)."""

    step: Literal["dbt", "dags", "git-folders"]
    tier: Slug
    triggers: dict[str, str]
    environment: dict[str, str] = Field(default_factory=dict)
    # Triggers that are Terraform references from our own code (e.g. the commit variable the
    # jobs run), added to `triggers_replace` unescaped; config text never goes here.
    trigger_references: dict[str, str] = Field(default_factory=dict)
    # The repository root as seen from the stack's folder, where local-exec runs
    # (cdktf.out/stacks/<stack> → ../../..); `$TIERFORM_ROOT` overrides it at apply.
    root: str = Field(default=ROOT_FALLBACK, pattern=r"^\.\.(/\.\.)*$")
    # The configuration folder the stack was synthesized from, relative to that root: the
    # step loads this one at apply (its TIERFORM_CONFIG), not whatever the applying shell
    # has set, so the release is the one the plan showed. None: TIERFORM_CONFIG at apply.
    config: str | None = Field(default=None, pattern=CONFIG_FOLDER_PATTERN)
    # As an environment's: the second step of one kind in a stack (`lab` →
    # terraform_data.lab_release_dbt); without it, the address every tier stack uses.
    address_prefix: str | None = None

    @model_validator(mode="after")
    def _check_prefix(self) -> Self:
        if self.address_prefix is not None:
            check_address_prefix(self.address_prefix)
        # The environment holds references to the stack (`${…}`); a value written down under
        # a secret's name is a secret in the JSON and the state, whatever it looks like.
        for name, value in self.environment.items():
            if SECRET_NAME.search(name) and not re.fullmatch(r"\$\{[^{}]+\}", value):
                raise ValueError(
                    f"environment.{name}: a secret's name with a value written down (not "
                    "shown); pass a reference (`${…}`) or leave it to the deploying "
                    "environment, which the step inherits"
                )
        return self
