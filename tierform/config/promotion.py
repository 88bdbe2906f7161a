"""Promotion rules (platform.yaml `promotion:`): which git ref deploys which tier, and
whether a person must approve first. The workflows read them through `tierform promotion`
instead of repeating them in YAML; the order of deployment is the `tiers:` order.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field, model_validator

from tierform.config.base import Slug, Spec
from tierform.config.error_format import shorten

Problem = tuple[list[str | int], str]


class PromotionRule(Spec):
    """When a push deploys one tier. Patterns are globs (`release/*`, `v*`) matched against
    the branch or tag name (`*` also matches `/`)."""

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

    @model_validator(mode="after")
    def _has_a_trigger(self) -> PromotionRule:
        if not self.branches and not self.tags:
            raise ValueError("say which refs deploy this tier: `branches:` and/or `tags:`")
        for pattern in [*self.branches, *self.tags]:
            if not pattern.strip() or pattern.startswith("refs/"):
                raise ValueError(
                    f"{shorten(pattern)}: write a branch or tag name pattern (e.g. main, v*), not a full ref"
                )
        return self


class PromotionSpec(Spec):
    # tier name → rule; a tier without a rule (e.g. local) is never deployed by CI.
    tiers: dict[Slug, PromotionRule] = Field(default_factory=dict)


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
