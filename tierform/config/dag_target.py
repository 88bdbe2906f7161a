"""Where a tier's DAGs are published: the one answer the Airflow construct and the release
step share (computed from config, so the release CLI needs no cdktf)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class DagTarget:
    """Where a tier's DAGs are published.

    kind: local (a folder), s3 (MWAA's bucket), astronomer (a deployment), gcs (Composer's
      environment bucket).
    location: repo-relative folder, `s3://bucket/prefix`, a deployment id, `gs://bucket/dags`
      (or `$VARIABLE`: set by the release step from the stack).
    credential_env: names (never values) of the environment variables the publisher needs.
    connection_id: the Airflow connection the workers' dbt tasks take the warehouse
      credentials from (a secrets backend provides it), or None (the workers' environment).
    """

    kind: Literal["local", "s3", "astronomer", "gcs"]
    location: str
    environment_name: str
    environment_url: str | None = None
    credential_env: tuple[str, ...] = ()
    connection_id: str | None = None


@dataclass(frozen=True)
class AirflowInstallFiles:
    """Files an Airflow environment installs from, read from the repository by the caller
    of the stack (tierform.release.artifact.airflow_install_files), never by a construct:
    the DAGs' pip requirements, MWAA's plugins.zip."""

    requirements: bytes | None = None
    plugins: bytes | None = None
