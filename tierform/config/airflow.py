"""Airflow part of a tier: which flavor runs the DAGs, and where a release publishes them.

The release CLI reads `dag_target()` (no cdktf involved); the Airflow construct exposes the
same DagTarget, so infrastructure and release agree on one answer computed from config.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tierform.config.base import Spec

LOCAL_WORKDIR = ".tierform"


@dataclass(frozen=True)
class DagTarget:
    """Where a tier's DAGs are published.

    kind: local (a folder), s3 (MWAA's bucket), astronomer (a deployment).
    location: repo-relative folder, `s3://bucket/prefix`, or a deployment id.
    credential_env: names (never values) of the environment variables the publisher needs.
    """

    kind: Literal["local", "s3", "astronomer"]
    location: str
    environment_name: str
    environment_url: str | None = None
    credential_env: tuple[str, ...] = ()


class LocalAirflowSpec(Spec):
    """No cloud: a folder (under the git-ignored .tierform/) acts as the DAGs folder."""

    flavor: Literal["local"] = "local"
    # Repository-relative; default .tierform/airflow/<tier>/dags
    dags_folder: str | None = None

    def dag_target(self, tier: str) -> DagTarget:
        folder = self.dags_folder or f"{LOCAL_WORKDIR}/airflow/{tier}/dags"
        return DagTarget(kind="local", location=folder, environment_name=f"local-{tier}")


# Grows into a discriminated union on `flavor` (mwaa, astronomer) with the Airflow issue.
AirflowSpec = LocalAirflowSpec
