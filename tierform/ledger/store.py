"""A small object-store interface the ledger is written against, and its three backends.

Keys are `/`-separated and relative to the store's prefix. Every write of a whole object
is atomic on each backend (S3/GCS objects appear complete or not at all; the local store
renames a finished temp file), so a record is written first and its pointer after it.
`put_if_absent` is the one conditional write the lease lock needs.
"""

from __future__ import annotations

from typing import Protocol

from tierform.config.release_store import GcsStoreSpec, LocalStoreSpec, S3StoreSpec


class Store(Protocol):
    def get(self, key: str) -> bytes | None:
        """The object's bytes, or None when there is no such object."""

    def put(self, key: str, data: bytes) -> None: ...

    def put_if_absent(self, key: str, data: bytes) -> bool:
        """Create the object only if no object has that key; False when one exists."""

    def delete(self, key: str) -> None:
        """Remove the object (no error when it is already gone)."""

    def list(self, prefix: str) -> list[str]:
        """Every key under prefix (recursively), sorted."""

    def url(self, key: str) -> str:
        """Where the object is, for messages: s3://bucket/prefix/key, a file path."""


def open_store(spec: S3StoreSpec | GcsStoreSpec | LocalStoreSpec, repo_root) -> Store:
    if spec.type == "s3":
        from tierform.ledger.s3_store import S3Store

        return S3Store(spec.bucket, spec.prefix, spec.region)
    if spec.type == "gcs":
        from tierform.ledger.gcs_store import GcsStore

        return GcsStore(spec.bucket, spec.prefix)
    from pathlib import Path

    from tierform.ledger.local_store import LocalStore

    directory = Path(spec.directory)
    return LocalStore(directory if directory.is_absolute() else Path(repo_root) / directory)


def join(prefix: str, key: str) -> str:
    return f"{prefix}/{key}" if prefix else key
