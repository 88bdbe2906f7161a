"""`ci:` in config/platform.yaml: which tiers a pull request's data CI runs against.

A target tier is the tier whose data the PR environment defers to (usually dev or staging;
the local tier on a laptop). pr.yml runs one `tierform ci run` job per target; a tier can
only be one when it has a dbt release (its ledger holds the manifest CI defers to).
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from tierform.config.base import Slug, Spec

# (field path, message), as in references.py
Problem = tuple[list[str | int], str]


class CiSpec(Spec):
    # Tiers whose PR data CI runs on every pull request (empty: no data CI job).
    targets: list[Slug] = Field(default_factory=list)
    # Data impact: a changed model whose row count moves by more than this share of the
    # target tier's count is flagged (0.1 = 10 %).
    row_count_change: float = Field(default=0.1, ge=0, le=100)
    # The scheduled sweep drops PR environments of pull requests closed this long ago.
    sweep_after_days: int = Field(default=7, ge=0, le=3650)
    # One-time Databricks runs of the jobs a PR changes: cancelled (and the check failed)
    # when they take longer than this.
    databricks_run_minutes: int = Field(default=60, ge=1, le=1440)


def check_ci(
    ci: CiSpec, tiers: list[str], with_dbt: set[str], validated: set[str]
) -> Iterator[Problem]:
    """Targets are declared tiers, listed once, each with a dbt release (a tier whose own
    file failed validation is reported there, not here)."""
    for i, name in enumerate(ci.targets):
        if name not in tiers:
            yield ["ci", "targets", i], f"{name!r} is not a tier (tiers: {', '.join(tiers)})"
        elif ci.targets.index(name) != i:
            yield ["ci", "targets", i], f"{name!r} is listed twice"
        elif name in validated and name not in with_dbt:
            yield (
                ["ci", "targets", i],
                f"tier {name!r} has no dbt release (release.dbt), so data CI has nothing to defer to",
            )
