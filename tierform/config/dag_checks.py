"""What a tier's DAG checks enforce (`release.dags.checks` in a tier file, inherited through
`extends`). The same settings drive the release gate (`tierform.release dags`) and the pull
request's data CI, so a DAG that CI passes is a DAG the release publishes.

Parsing and serializing every file the way Airflow's dag-processor does is always on; the
rules below are what a team switches on per tier (off by default: turning one on is a
decision, e.g. retries only where a failed run costs more than a re-run).
"""

from __future__ import annotations

from pydantic import Field, field_validator

from tierform.config.base import Spec
from tierform.config.repo_paths import syntax_checked

# Airflow's own default `[core] dagbag_import_timeout`: a file that takes longer fails to
# import on the scheduler too, so the budget should not be looser than the target's.
DEFAULT_PARSE_BUDGET_SECONDS = 30


class DagRulesSpec(Spec):
    # Every task has an owner other than Airflow's default owner ("airflow").
    owner: bool = False
    # Every DAG has at least one tag.
    tags: bool = False
    # Every task retries at least this often (0: rule off). Protected tiers usually set 1.
    min_retries: int = Field(default=0, ge=0, le=100)
    # No cycle between DAGs (a DAG triggering, or producing an asset that schedules, a DAG
    # that leads back to it). Cycles between tasks are always refused: Airflow refuses them.
    no_cycles: bool = False
    # Every DAG sets `catchup` itself instead of inheriting the scheduler's default, which
    # differs between Airflow installations ([scheduler] catchup_by_default).
    explicit_catchup: bool = False

    def enabled(self) -> list[str]:
        """The names of the rules switched on, for messages."""
        return [
            name
            for name in ("owner", "tags", "min_retries", "no_cycles", "explicit_catchup")
            if getattr(self, name)
        ]


class DagChecksSpec(Spec):
    # Per DAG file: parsing and serializing it may take this long; a file over it is
    # reported by name and its parser is killed (even one Airflow's own timeout cannot stop).
    parse_timeout_seconds: int = Field(default=DEFAULT_PARSE_BUDGET_SECONDS, ge=1, le=3600)
    rules: DagRulesSpec = Field(default_factory=DagRulesSpec)
    # The Airflow plugins the tier's Airflow loads (repository-relative folder): timetables
    # and priority-weight strategies serialize only when a plugin registers them, so without
    # it a DAG using one is refused, as the dag-processor would refuse it.
    plugins_folder: str | None = Field(default=None, min_length=1)

    @field_validator("plugins_folder")
    @classmethod
    def _relative(cls, value: str | None) -> str | None:
        return None if value is None else syntax_checked(value)
