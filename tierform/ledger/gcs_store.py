"""The ledger in Google Cloud Storage (google-cloud-storage; credentials from
tierform/google_storage.py: ADC or GOOGLE_CREDENTIALS; STORAGE_EMULATOR_HOST points it at an
emulator). `put_if_absent` is
`if_generation_match=0`: the write succeeds only if the object has no live generation.
Every failure — the API's, and google.auth's (no credentials found, a token refused) whether
the client is being built or a request refreshes its token — is a LedgerError naming the
gs:// location, so each command that reads a ledger reports it as it does an S3 one."""

from __future__ import annotations

from tierform.google_storage import GoogleCredentialsError, auth_problem, storage_client
from tierform.ledger.errors import LedgerError
from tierform.ledger.store import join


class GcsStore:
    def __init__(self, bucket: str, prefix: str):
        try:
            from google.api_core import exceptions
            from google.auth.exceptions import GoogleAuthError
        except ImportError:
            raise LedgerError(
                "a gcs release store needs the google-cloud-storage package "
                "(pip install google-cloud-storage)"
            ) from None
        self.bucket_name, self.prefix = bucket, prefix
        where = f"gs://{bucket}/{prefix}" if prefix else f"gs://{bucket}"
        try:
            self._bucket = storage_client().bucket(bucket)
        except GoogleCredentialsError as exc:
            raise LedgerError(f"{where}: {exc}") from None
        except GoogleAuthError as exc:
            raise LedgerError(f"cannot open {where}: {auth_problem(exc)}") from None
        self._exceptions = exceptions
        self._errors = (exceptions.GoogleAPIError, GoogleAuthError)

    def url(self, key: str) -> str:
        return f"gs://{self.bucket_name}/{join(self.prefix, key)}"

    def _blob(self, key: str):
        return self._bucket.blob(join(self.prefix, key))

    def _fail(self, what: str, key: str, exc: Exception):
        why = exc if isinstance(exc, self._exceptions.GoogleAPIError) else auth_problem(exc)
        return LedgerError(f"cannot {what} {self.url(key)}: {why}")

    def get(self, key: str) -> bytes | None:
        try:
            return self._blob(key).download_as_bytes()
        except self._exceptions.NotFound:
            return None
        except self._errors as exc:
            raise self._fail("read", key, exc) from None

    def put(self, key: str, data: bytes) -> None:
        try:
            self._blob(key).upload_from_string(data)
        except self._errors as exc:
            raise self._fail("write", key, exc) from None

    def put_if_absent(self, key: str, data: bytes) -> bool:
        try:
            self._blob(key).upload_from_string(data, if_generation_match=0)
        except self._exceptions.PreconditionFailed:
            return False
        except self._errors as exc:
            raise self._fail("create", key, exc) from None
        return True

    def delete(self, key: str) -> None:
        try:
            self._blob(key).delete()
        except self._exceptions.NotFound:
            pass
        except self._errors as exc:
            raise self._fail("delete", key, exc) from None

    def list(self, prefix: str) -> list[str]:
        full = join(self.prefix, prefix).rstrip("/") + "/"
        strip = len(self.prefix) + 1 if self.prefix else 0
        try:
            return sorted(b.name[strip:] for b in self._bucket.list_blobs(prefix=full))
        except self._errors as exc:
            raise self._fail("list", prefix, exc) from None
