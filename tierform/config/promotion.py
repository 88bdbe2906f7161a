"""Promotion rules (platform.yaml `promotion:`): which git ref deploys which tier, and
whether a person must approve first. The workflows read them through `tierform promotion`
instead of repeating them in YAML; the order of deployment is the `tiers:` order.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from typing import Literal

from pydantic import Field, field_validator, model_validator

from tierform.config.base import Slug, Spec
from tierform.config.error_format import shorten

Problem = tuple[list[str | int], str]

# How a merge applies a tier: `deploy` runs `cdktf deploy <tier> --auto-approve` (it plans
# again, so it may apply more than the PR showed); `reviewed-plan` applies exactly the plan
# file `cdktf diff` saved and the approvers saw (stale: refused, nothing applied).
ApplyMode = Literal["deploy", "reviewed-plan"]


def ref_matches(pattern: str, name: str) -> bool:
    """A branch or tag name against one pattern, always matched whole: a glob (`release/*`;
    `*` also matches `/`), or, starting with `^`, a regular expression (`^v[0-9]+\\.[0-9]+$`)
    that must match the entire name."""
    if pattern.startswith("^"):
        return re.fullmatch(pattern, name) is not None
    return fnmatch.fnmatchcase(name, pattern)


class PromotionRule(Spec):
    """When a push deploys one tier. Patterns are globs (`release/*`) or, starting with `^`,
    regular expressions, matched against the whole branch or tag name (ref_matches)."""

    branches: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    # A person approves before the apply: the deploy job runs in a GitHub environment whose
    # required reviewers are set in the repository settings (see README, CI/CD).
    approval: bool = False
    # GitHub environment of the apply: write credentials, and the required reviewers when
    # `approval` is set (default: the tier name).
    environment: str | None = None
    # GitHub environment of plans (PR diffs, drift, the deploy's plan): read-only
    # credentials, no reviewers, so a plan never waits (default: "<environment>-plan").
    plan_environment: str | None = None
    # Plan this tier on pull requests (and check it for drift every night).
    plan: bool = True
    # deploy | reviewed-plan; unset: see apply_mode().
    apply: ApplyMode | None = None
    # Tiers that must have deployed the same commit successfully first (from their release
    # ledger): `requires: staging` on prod means prod only gets what staging ran.
    requires: list[Slug] = Field(default_factory=list)

    @field_validator("requires", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _has_a_trigger(self) -> PromotionRule:
        if not self.branches and not self.tags:
            raise ValueError("say which refs deploy this tier: `branches:` and/or `tags:`")
        for pattern in [*self.branches, *self.tags]:
            if not pattern.strip() or pattern.startswith("refs/"):
                raise ValueError(
                    f"{shorten(pattern)}: write a branch or tag name pattern (e.g. main, v*), not a full ref"
                )
            if pattern.startswith("^"):
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
        return self


def apply_mode(rule: PromotionRule | None, protected: bool) -> ApplyMode:
    """The rule's `apply:`, else reviewed-plan for protected tiers (what approvers saw is
    what runs) and deploy for the others."""
    if rule is not None and rule.apply is not None:
        return rule.apply
    return "reviewed-plan" if protected else "deploy"


class PromotionSpec(Spec):
    # tier name → rule; a tier without a rule (e.g. local) is never deployed by CI.
    tiers: dict[Slug, PromotionRule] = Field(default_factory=dict)


# The one definition of a tier's GitHub environments. Every job that loads a tier's
# credentials runs in one of these two: `tierform promotion` (deploy, PR plans, drift),
# `tierform ci targets` (data CI, PR teardown, the sweep), `tierform environment` (rollback),
# `tierform sandbox-stack`, `tierform inputs` and `tierform approval-check` all ask here.


def apply_environment(promotion: PromotionSpec, tier: str) -> str:
    """The GitHub environment of the tier's applies (write credentials; the required
    reviewers when `approval` is set): the rule's `environment`, default the tier name."""
    rule = promotion.tiers.get(tier)
    return (rule.environment if rule else None) or tier


def plan_environment(promotion: PromotionSpec, tier: str) -> str:
    """The GitHub environment of the tier's plans and PR data CI (read-only credentials, no
    reviewers): the rule's `plan_environment`, default "<apply environment>-plan"."""
    rule = promotion.tiers.get(tier)
    return (rule.plan_environment if rule else None) or f"{apply_environment(promotion, tier)}-plan"


def check_promotion(
    promotion: PromotionSpec, tiers: list[str], protected: set[str]
) -> Iterator[Problem]:
    """Rules must name declared tiers; a protected tier (prod) always needs approval."""
    for name, rule in promotion.tiers.items():
        if name not in tiers:
            yield (
                ["promotion", "tiers", name],
                f"{name!r} is not a tier (tiers: {', '.join(tiers)})",
            )
        elif name in protected and not rule.approval:
            yield (
                ["promotion", "tiers", name, "approval"],
                f"tier {name!r} is protected: its deploys need `approval: true`",
            )
        for i, required in enumerate(rule.requires if name in tiers else []):
            if required not in tiers[: tiers.index(name)]:
                yield (
                    ["promotion", "tiers", name, "requires", i],
                    f"{required!r} must be a tier promoted before {name!r} "
                    f"(earlier tiers: {', '.join(tiers[: tiers.index(name)]) or 'none'})",
                )


def check_required_ledgers(
    promotion: PromotionSpec, checkout_ledgers: dict[str, str]
) -> Iterator[Problem]:
    """A required tier's deployments are read from its ledger by the requiring tier's CI
    jobs (promotion-check): a ledger in a folder of the checkout (`checkout_ledgers`: tier →
    folder) is not on a fresh runner, so the requirement could never be met."""
    for name, rule in promotion.tiers.items():
        for i, required in enumerate(rule.requires):
            folder = checkout_ledgers.get(required)
            if folder is not None:
                yield (
                    ["promotion", "tiers", name, "requires", i],
                    f"tier {required!r} keeps its release ledger in the checkout ({folder!r}, a "
                    f"local store), which a fresh CI runner does not have: promotion-check of "
                    f"{name!r} could never find {required!r}'s deployment; give {required!r} an "
                    "s3 or gcs release.store (or a local one at an absolute, shared folder)",
                )


def check_ci_state(
    promotion: PromotionSpec, checkout_state: dict[str, str]
) -> Iterator[tuple[list[str | int], str, str]]:
    """(field path, tier, message) for a tier the workflows deploy (it has a promotion rule)
    on a `local` backend (`checkout_state`: tier → its state folder, always one of the
    checkout): its state goes with the runner, so the next deploy plans every object again
    and fails on what exists."""
    for name in promotion.tiers:
        folder = checkout_state.get(name)
        if folder is not None:
            yield (
                ["backend"],
                name,
                f"tier {name!r} is deployed by CI (promotion.tiers.{name}) but keeps its Terraform "
                f"state in the checkout ({folder!r}, backend type local), which a fresh CI runner "
                "does not have: each deploy would plan to create everything again, and its "
                "sandboxes' teardown would find nothing; give it an s3, gcs or cloud backend",
            )
