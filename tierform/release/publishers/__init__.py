"""Publishers: put one staged DAG release (a folder) where a tier's Airflow reads DAGs.

One per DagTarget kind; each `publish(version_dir)` makes that folder's content the active
DAGs and returns a short description of where they went. Rollback re-publishes an older
staged folder through the same call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from tierform.config.airflow import DagTarget


class Publisher(Protocol):
    def publish(self, version_dir: Path) -> str: ...


def publisher_for(target: DagTarget, root: Path) -> Publisher:
    if target.kind == "local":
        from tierform.release.publishers.local import LocalPublisher

        return LocalPublisher(target, root)
    if target.kind == "s3":
        from tierform.release.publishers.s3 import S3Publisher

        return S3Publisher(target)
    if target.kind == "astronomer":
        from tierform.release.publishers.astronomer import AstronomerPublisher

        return AstronomerPublisher(target, root)
    if target.kind == "gcs":
        from tierform.release.publishers.gcs import GcsPublisher

        return GcsPublisher(target)
    raise ValueError(f"no publisher for DAG target kind {target.kind!r}")
