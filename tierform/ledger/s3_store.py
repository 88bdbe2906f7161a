"""The ledger in S3 through boto3's normal credential chain. boto3 (≥1.28) honours
AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, so any S3 API server stands in without a code hook.
`put_if_absent` is S3's conditional write (`If-None-Match: *`)."""

from __future__ import annotations

from tierform.ledger.errors import LedgerError
from tierform.ledger.store import join


class S3Store:
    def __init__(self, bucket: str, prefix: str, region: str | None = None):
        import boto3

        self.bucket, self.prefix = bucket, prefix
        self._client = boto3.client("s3", region_name=region)
        from botocore.exceptions import BotoCoreError, ClientError

        self._errors = (BotoCoreError, ClientError)

    def url(self, key: str) -> str:
        return f"s3://{self.bucket}/{join(self.prefix, key)}"

    def _fail(self, what: str, key: str, exc: Exception):
        return LedgerError(f"cannot {what} {self.url(key)}: {exc}")

    @staticmethod
    def _code(exc: Exception) -> str:
        return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))

    def get(self, key: str) -> bytes | None:
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=join(self.prefix, key))
            return response["Body"].read()
        except self._errors as exc:
            if self._code(exc) in ("NoSuchKey", "404"):
                return None
            raise self._fail("read", key, exc) from None

    def put(self, key: str, data: bytes) -> None:
        try:
            self._client.put_object(Bucket=self.bucket, Key=join(self.prefix, key), Body=data)
        except self._errors as exc:
            raise self._fail("write", key, exc) from None

    def put_if_absent(self, key: str, data: bytes) -> bool:
        try:
            self._client.put_object(
                Bucket=self.bucket, Key=join(self.prefix, key), Body=data, IfNoneMatch="*"
            )
        except self._errors as exc:
            # 409 ConditionalRequestConflict: a concurrent conditional write of the same key.
            if self._code(exc) in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
                return False
            raise self._fail("create", key, exc) from None
        return True

    def delete(self, key: str) -> None:
        try:
            self._client.delete_object(Bucket=self.bucket, Key=join(self.prefix, key))
        except self._errors as exc:
            raise self._fail("delete", key, exc) from None

    def list(self, prefix: str) -> list[str]:
        full = join(self.prefix, prefix)
        strip = len(self.prefix) + 1 if self.prefix else 0
        keys: list[str] = []
        try:
            pages = self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=full.rstrip("/") + "/"
            )
            for page in pages:
                keys += [item["Key"][strip:] for item in page.get("Contents", [])]
        except self._errors as exc:
            raise self._fail("list", prefix, exc) from None
        return sorted(keys)
