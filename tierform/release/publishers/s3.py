"""S3 prefix (MWAA's DAG bucket): sync a release, deleting files the release no longer has.

MWAA keeps DAGs whose files remain in the bucket, so a sync without deletion would keep a
removed DAG running. Unchanged files are not re-uploaded: every object carries the sha256 of
its bytes as metadata (`x-amz-meta-tierform-sha256`), compared with the file's. Not the
ETag: with SSE-KMS (MWAA's DAG bucket) or a multipart upload the ETag is not the MD5, so an
ETag comparison re-uploads everything on every release. RELEASE.json goes last, so it only names a release once all of its files are in place.
Credentials come from boto3's usual chain (environment, OIDC web identity, instance role).
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tierform.config.airflow import DagTarget
from tierform.release.content import shipped_files
from tierform.release.context import ReleaseError

MANIFEST = "RELEASE.json"
HASH_METADATA = "tierform-sha256"  # boto3 adds the x-amz-meta- prefix
_HEAD_WORKERS = 8  # HEAD requests are small and independent; boto3 clients are thread-safe


def parse_s3_url(url: str) -> tuple[str, str]:
    """`s3://bucket/prefix` → (bucket, prefix without slashes at either end)."""
    if not url.startswith("s3://") or len(url) <= 5:
        raise ReleaseError(f"{url!r} is not an s3://bucket/prefix location")
    bucket, _, prefix = url[5:].partition("/")
    return bucket, prefix.strip("/")


class S3Publisher:
    def __init__(self, target: DagTarget, client=None):
        self.bucket, self.prefix = parse_s3_url(target.location)
        self._client = client

    @property
    def client(self):
        if self._client is None:
            import boto3

            self._client = boto3.client("s3")
        return self._client

    def _key(self, relative: str) -> str:
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def publish(self, version_dir: Path) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self._sync(version_dir)
        except (BotoCoreError, ClientError) as exc:
            raise ReleaseError(
                f"publishing to s3://{self.bucket}/{self.prefix} failed: {exc}"
            ) from None

    def _sync(self, version_dir: Path) -> str:
        existing = self._existing()
        files = dict(shipped_files(version_dir))
        wanted = {self._key(rel): path for rel, path in files.items()}
        ordered = sorted(wanted, key=lambda key: key.endswith("/" + MANIFEST) or key == MANIFEST)
        stored = self._stored_hashes([key for key in ordered if key in existing])
        uploaded = 0
        for key in ordered:
            data = wanted[key].read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if stored.get(key) == digest:
                continue
            self.client.put_object(
                Bucket=self.bucket, Key=key, Body=data, Metadata={HASH_METADATA: digest}
            )
            uploaded += 1
        stale = sorted(set(existing) - set(wanted))
        for start in range(0, len(stale), 1000):
            batch = [{"Key": key} for key in stale[start : start + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
        return (
            f"s3://{self.bucket}/{self.prefix} ({uploaded} uploaded, {len(stale)} deleted, "
            f"{len(wanted) - uploaded} unchanged)"
        )

    def _stored_hashes(self, keys: list[str]) -> dict[str, str | None]:
        """key → the sha256 an earlier release stored on the object (None: not ours, or
        written by something else; it is uploaded again)."""

        def head(key: str) -> str | None:
            meta = self.client.head_object(Bucket=self.bucket, Key=key).get("Metadata", {})
            return meta.get(HASH_METADATA)

        with ThreadPoolExecutor(max_workers=_HEAD_WORKERS) as pool:
            return dict(zip(keys, pool.map(head, keys), strict=True))

    def _existing(self) -> dict[str, str]:
        """key → ETag of every object under the prefix (listed for deletion; the ETag is
        not used to decide what changed)."""
        found: dict[str, str] = {}
        paginator = self.client.get_paginator("list_objects_v2")
        prefix = f"{self.prefix}/" if self.prefix else ""
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                found[item["Key"]] = item.get("ETag", "").strip('"')
        return found
