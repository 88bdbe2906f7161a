"""Airflow part of a tier: which flavor runs the DAGs, and where a release publishes them.

The release CLI reads `dag_target()` (no cdktf involved); the Airflow construct exposes the
same DagTarget, so infrastructure and release agree on one answer computed from config.
Flavors: local (no cloud), mwaa (Amazon MWAA), astronomer (Astro), composer (Cloud Composer).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from tierform.config.airflow_astronomer import AstronomerAirflowSpec
from tierform.config.airflow_composer import ComposerAirflowSpec
from tierform.config.airflow_flavor import FlavorSpec
from tierform.config.airflow_mwaa import MwaaAirflowSpec
from tierform.config.dag_target import DagTarget
from tierform.config.repo_paths import syntax_checked

LOCAL_WORKDIR = ".tierform"

__all__ = [
    "LOCAL_WORKDIR",
    "AirflowSpec",
    "AstronomerAirflowSpec",
    "ComposerAirflowSpec",
    "DagTarget",
    "LocalAirflowSpec",
    "MwaaAirflowSpec",
]


class LocalAirflowSpec(FlavorSpec):
    """No cloud: a folder (under the git-ignored .tierform/) acts as the DAGs folder."""

    flavor_name = "local"

    flavor: Literal["local"] = "local"
    # Repository-relative, inside .tierform/ (see repo_paths.py); default
    # .tierform/airflow/<tier>/dags. The publisher replaces what is there.
    dags_folder: str | None = None

    @field_validator("dags_folder")
    @classmethod
    def _confined(cls, value: str | None) -> str | None:
        return None if value is None else syntax_checked(value)

    @property
    def airflow_major(self) -> None:
        """None: the local Airflow is the installed one, the one the DAG checks parse with."""
        return None

    def dag_target(self, tier: str) -> DagTarget:
        folder = self.dags_folder or f"{LOCAL_WORKDIR}/airflow/{tier}/dags"
        return DagTarget(kind="local", location=folder, environment_name=f"local-{tier}")


# The flavors that run in a cloud account (everything but `local`), in the order messages
# list them.
CLOUD_FLAVORS = tuple(
    spec.flavor_name for spec in (MwaaAirflowSpec, AstronomerAirflowSpec, ComposerAirflowSpec)
)

AirflowSpec = Annotated[
    LocalAirflowSpec | MwaaAirflowSpec | AstronomerAirflowSpec | ComposerAirflowSpec,
    Field(discriminator="flavor"),
]
