"""One way to build a Google Cloud Storage client, for the GCS ledger and the GCS publisher.

CI jobs get Google credentials as `GOOGLE_CREDENTIALS` (a service account key's JSON, or a
path to it): the variable the Terraform google provider and the gcs backend read. The
Python client reads Application Default Credentials instead (GOOGLE_APPLICATION_CREDENTIALS,
gcloud, the metadata server), so a release step on a CI runner would find none. When ADC is
not configured and GOOGLE_CREDENTIALS is set, the key is read from it here, in memory: no
key file is written to the runner. STORAGE_EMULATOR_HOST keeps the client's own emulator
handling (anonymous credentials).

`auth_problem` turns google.auth's errors (no credentials found, a token exchange refused or
unreachable) into one line saying what to set, for the callers' own error types.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

KEY_ENV = "GOOGLE_CREDENTIALS"
ADC_ENV = "GOOGLE_APPLICATION_CREDENTIALS"
SCOPES = ("https://www.googleapis.com/auth/devstorage.read_write",)


# What a job sets so that the clients here find credentials (messages only).
SETUP = (
    f"set {KEY_ENV} (a service account key's JSON, or a path to it) or configure Application "
    f"Default Credentials ({ADC_ENV}, `gcloud auth application-default login`, or a metadata "
    "server)"
)


class GoogleCredentialsError(ValueError):
    """GOOGLE_CREDENTIALS is set but holds no usable service account key (the message names
    the variable, never its value)."""


def _key_info(raw: str) -> dict:
    text = raw.strip()
    if not text.startswith("{"):  # the provider's other form: a path to the key file
        try:
            text = Path(text).read_text(encoding="utf-8")
        except (OSError, ValueError):
            raise GoogleCredentialsError(
                f"{KEY_ENV} is neither a service account key's JSON nor a readable file"
            ) from None
    try:
        info = json.loads(text)
    except ValueError:
        raise GoogleCredentialsError(f"{KEY_ENV} does not hold valid JSON") from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise GoogleCredentialsError(
            f'{KEY_ENV} is not a service account key (expected "type": "service_account")'
        )
    return info


def storage_client():
    """A google.cloud.storage.Client with the deploying environment's credentials."""
    from google.cloud import storage

    raw = os.environ.get(KEY_ENV, "")
    if os.environ.get("STORAGE_EMULATOR_HOST") or os.environ.get(ADC_ENV) or not raw.strip():
        return storage.Client()
    from google.oauth2 import service_account

    info = _key_info(raw)
    try:
        credentials = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
    except (ValueError, KeyError):
        raise GoogleCredentialsError(
            f"{KEY_ENV} is a service account key without a usable private_key/client_email"
        ) from None
    return storage.Client(project=info.get("project_id"), credentials=credentials)


def auth_problem(exc: Exception) -> str:
    """One line for a google.auth error (google.auth.exceptions.GoogleAuthError), naming what
    to set. Its messages hold file names, endpoints and OAuth error codes, never key material."""
    from google.auth import exceptions

    detail = " ".join(str(exc).split())
    if isinstance(exc, exceptions.DefaultCredentialsError):
        if not (os.environ.get(ADC_ENV) or os.environ.get(KEY_ENV, "").strip()):
            return f"no Google credentials found: {SETUP}"
        return f"Google credentials unusable ({detail}): {SETUP}"
    if isinstance(exc, exceptions.RefreshError):
        return f"Google refused the credentials ({detail}): check {KEY_ENV} or the ADC in use"
    if isinstance(exc, exceptions.TransportError):
        return f"Google's token service could not be reached ({detail})"
    return f"Google authentication failed ({detail}): {SETUP}"
