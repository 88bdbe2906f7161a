"""Cloud Composer's environment bucket: sync a release into `gs://bucket/dags`, deleting files
the release no longer has (Composer keeps running a DAG whose file stays in the bucket).

The same semantics as the S3 publisher: unchanged files are detected by the sha256 stored on
each object (custom metadata `tierform-sha256`), never by a checksum the service computes;
RELEASE.json is written last, so it only names a release once all of its files are in
place; rollback re-publishes an older release through the same call. Credentials:
Application Default Credentials, else GOOGLE_CREDENTIALS (tierform/google_storage.py;
STORAGE_EMULATOR_HOST points the client at an emulator).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tierform.config.airflow import DagTarget
from tierform.release.content import shipped_files
from tierform.release.context import ReleaseError

MANIFEST = "RELEASE.json"
HASH_METADATA = "tierform-sha256"


def parse_gs_url(url: str) -> tuple[str, str]:
    """`gs://bucket/prefix` → (bucket, prefix without slashes at either end)."""
    if not url.startswith("gs://") or len(url) <= 5:
        raise ReleaseError(f"{url!r} is not a gs://bucket/prefix location")
    bucket, _, prefix = url[5:].partition("/")
    return bucket, prefix.strip("/")


def resolved_location(location: str) -> str:
    """`$NAME` (a value the stack passes to the release step) → the variable's value."""
    if not location.startswith("$"):
        return location
    value = os.environ.get(location[1:])
    if not value:
        raise ReleaseError(
            f"environment variable {location[1:]} is not set: the release step gets the "
            "Composer DAG folder from the stack (or pin airflow.bucket in config)"
        )
    return value


class GcsPublisher:
    def __init__(self, target: DagTarget, client=None):
        self.bucket_name, self.prefix = parse_gs_url(resolved_location(target.location))
        self._client = client

    @property
    def bucket(self):
        if self._client is None:
            from tierform.google_storage import GoogleCredentialsError, storage_client

            try:
                self._client = storage_client()
            except GoogleCredentialsError as exc:
                raise ReleaseError(str(exc)) from None
        return self._client.bucket(self.bucket_name)

    def _key(self, relative: str) -> str:
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def publish(self, version_dir: Path) -> str:
        from google.api_core.exceptions import GoogleAPIError
        from google.auth.exceptions import GoogleAuthError

        try:
            return self._sync(version_dir)
        except (GoogleAPIError, GoogleAuthError) as exc:
            raise ReleaseError(
                f"publishing to gs://{self.bucket_name}/{self.prefix} failed: {exc}"
            ) from None

    def _sync(self, version_dir: Path) -> str:
        bucket = self.bucket
        prefix = f"{self.prefix}/" if self.prefix else ""
        # list_blobs returns each object's custom metadata: no request per file.
        existing = {
            blob.name: (blob.metadata or {}).get(HASH_METADATA)
            for blob in bucket.list_blobs(prefix=prefix)
        }
        wanted = {self._key(rel): path for rel, path in shipped_files(version_dir)}
        ordered = sorted(wanted, key=lambda key: key.endswith("/" + MANIFEST) or key == MANIFEST)
        uploaded = 0
        for key in ordered:
            data = wanted[key].read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if existing.get(key) == digest:
                continue
            blob = bucket.blob(key)
            blob.metadata = {HASH_METADATA: digest}
            blob.upload_from_string(data)
            uploaded += 1
        stale = sorted(set(existing) - set(wanted))
        for key in stale:
            bucket.blob(key).delete()
        return (
            f"gs://{self.bucket_name}/{self.prefix} ({uploaded} uploaded, {len(stale)} deleted, "
            f"{len(wanted) - uploaded} unchanged)"
        )
