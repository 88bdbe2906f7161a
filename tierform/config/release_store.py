"""Where a tier's release ledger lives (`release.store`): records of dbt builds, DAG releases,
deployments, and the release lock, shared by every clone and CI runner.

Set platform-wide in platform.yaml `release.store`, overridden per tier (inherited through
`extends`). Unset: next to the tier's Terraform state — the S3 or GCS backend's bucket under
`<prefix>/releases`, or `.tierform/ledger` for a local backend. A `cloud` backend has no
bucket of ours, so such a tier must name a store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Annotated, Literal

from pydantic import Field, field_validator

from tierform.config.backend import (
    CloudBackendSpec,
    GcsBackendSpec,
    LocalBackendSpec,
    S3BackendSpec,
)
from tierform.config.base import Spec
from tierform.config.buckets import GcsBucketName, S3BucketName

LOCAL_LEDGER_DIR = ".tierform/ledger"
# A lease outlives a missed heartbeat or two (the holder renews it every lease/4), and a
# killed holder's lock is free again after this long.
DEFAULT_LEASE_SECONDS = 120


class _StoreBase(Spec):
    lease_seconds: int = Field(default=DEFAULT_LEASE_SECONDS, ge=1, le=86_400)


def _prefix(value: str) -> str:
    path = PurePosixPath(value.strip("/"))
    if ".." in path.parts or "\\" in value:
        raise ValueError(f"{value!r}: an object key prefix with / separators and no '..'")
    return "" if str(path) == "." else str(path)


class S3StoreSpec(_StoreBase):
    """An S3 bucket (or any S3 API: boto3 honours AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL)."""

    type: Literal["s3"]
    bucket: S3BucketName
    prefix: str = "releases"
    region: str | None = None

    @field_validator("prefix")
    @classmethod
    def _key_prefix(cls, value: str) -> str:
        return _prefix(value)


class GcsStoreSpec(_StoreBase):
    type: Literal["gcs"]
    bucket: GcsBucketName
    prefix: str = "releases"

    @field_validator("prefix")
    @classmethod
    def _key_prefix(cls, value: str) -> str:
        return _prefix(value)


class LocalStoreSpec(_StoreBase):
    """A folder: relative to the repository root, or absolute (a folder several clones share)."""

    type: Literal["local"]
    directory: str = Field(default=LOCAL_LEDGER_DIR, min_length=1)

    @field_validator("directory")
    @classmethod
    def _no_parent(cls, value: str) -> str:
        if ".." in PurePosixPath(value).parts or "\n" in value:
            raise ValueError(f"{value!r}: a folder path without '..'")
        return value


StoreSpec = Annotated[
    S3StoreSpec | GcsStoreSpec | LocalStoreSpec,
    Field(discriminator="type"),
]


def default_store(backend) -> S3StoreSpec | GcsStoreSpec | LocalStoreSpec | None:
    """The store next to the tier's Terraform state; None for a `cloud` backend."""
    if isinstance(backend, S3BackendSpec):
        return S3StoreSpec(
            type="s3",
            bucket=backend.bucket,
            prefix=_prefix(f"{backend.key_prefix}/releases"),
            region=backend.region,
        )
    if isinstance(backend, GcsBackendSpec):
        return GcsStoreSpec(
            type="gcs", bucket=backend.bucket, prefix=_prefix(f"{backend.prefix}/releases")
        )
    if isinstance(backend, LocalBackendSpec):
        return LocalStoreSpec(type="local")
    assert isinstance(backend, CloudBackendSpec)
    return None


def tier_store(tier, platform_store: StoreSpec | None) -> StoreSpec | None:
    """Where a tier's release ledger lives: the tier's `release.store`, the platform's, or
    next to its Terraform state (None: a cloud backend without a store, refused at load)."""
    return tier.release.store or platform_store or default_store(tier.backend)


def is_checkout_folder(store: StoreSpec | None) -> bool:
    """A `local` store in a folder of the checkout (relative): what a fresh CI runner starts
    without, so nothing another job recorded there is ever read."""
    return isinstance(store, LocalStoreSpec) and not PurePosixPath(store.directory).is_absolute()


Problem = tuple[list[str | int], str]


def check_store(tier, platform_store) -> Iterator[Problem]:
    """A tier on a `cloud` backend must say where its ledger lives."""
    if (
        tier.release.store is None
        and platform_store is None
        and default_store(tier.backend) is None
    ):
        # Reported at the backend: the file that chose `cloud` is the one to fix (the
        # `release:` section, if any, may sit in a parent that knows nothing of it).
        yield (
            ["backend", "type"],
            f"tier {tier.name!r} uses a `cloud` backend, which has no bucket for the release "
            "ledger: set release.store ({type: s3, bucket, prefix}, {type: gcs, bucket, prefix} "
            "or {type: local, directory}) in the tier file or in platform.yaml",
        )


def check_shared_local_dags(tier, has_dags_step: bool) -> Iterator[Problem]:
    """A shared tier (dev, staging, prod) is deployed by CI runners: a `local` DAGs folder there
    is a folder on a throwaway machine, so its DAGs would silently vanish after the job."""
    from tierform.config.airflow import CLOUD_FLAVORS  # late: the airflow specs are many

    airflow = tier.airflow
    if has_dags_step and tier.kind != "local" and airflow is not None and airflow.flavor == "local":
        yield (
            ["airflow", "flavor"],
            f"tier {tier.name!r} (kind {tier.kind}) would publish its DAGs into a local folder "
            "on whichever machine deploys it (in CI a runner's temporary disk); give it a real "
            f"Airflow (flavor {', '.join(CLOUD_FLAVORS)}) or set release.dags.enabled: false",
        )
