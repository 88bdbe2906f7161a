"""GCS clients on a CI runner: GOOGLE_CREDENTIALS (what the workflows export for Terraform)
is used when Application Default Credentials are not configured. No network: building a
client with service account credentials contacts nothing."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tierform.google_storage import GoogleCredentialsError, storage_client


def _key(email: str, project: str = "acme-prod") -> dict:
    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return {
        "type": "service_account",
        "project_id": project,
        "private_key_id": "k1",
        "private_key": pem.decode(),
        "client_email": email,
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in ("GOOGLE_CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS", "STORAGE_EMULATOR_HOST"):
        monkeypatch.delenv(name, raising=False)


def test_the_key_in_google_credentials_is_used_without_a_key_file(monkeypatch, tmp_path):
    monkeypatch.setenv(
        "GOOGLE_CREDENTIALS", json.dumps(_key("ci@acme-prod.iam.gserviceaccount.com"))
    )
    monkeypatch.chdir(tmp_path)
    client = storage_client()
    assert client._credentials.service_account_email == "ci@acme-prod.iam.gserviceaccount.com"
    assert client.project == "acme-prod"
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_google_credentials_may_be_a_path(monkeypatch, tmp_path):
    key = tmp_path / "key.json"
    key.write_text(json.dumps(_key("path@acme-prod.iam.gserviceaccount.com")))
    monkeypatch.setenv("GOOGLE_CREDENTIALS", str(key))
    assert storage_client()._credentials.service_account_email.startswith("path@")


def test_application_default_credentials_win(monkeypatch, tmp_path):
    adc = tmp_path / "adc.json"
    adc.write_text(json.dumps(_key("adc@other.iam.gserviceaccount.com", "other")))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(adc))
    monkeypatch.setenv(
        "GOOGLE_CREDENTIALS", json.dumps(_key("ci@acme-prod.iam.gserviceaccount.com"))
    )
    assert storage_client()._credentials.service_account_email.startswith("adc@")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('{"type": "authorized_user", "secret": "s3cr3t-value"}', "is not a service account key"),
        ("{s3cr3t-value", "does not hold valid JSON"),
        ("/nonexistent/s3cr3t-value.json", "neither a service account key's JSON nor a readable"),
    ],
)
def test_a_bad_key_names_the_variable_never_its_value(monkeypatch, value, message):
    monkeypatch.setenv("GOOGLE_CREDENTIALS", value)
    with pytest.raises(GoogleCredentialsError) as err:
        storage_client()
    assert message in str(err.value) and "GOOGLE_CREDENTIALS" in str(err.value)
    assert "s3cr3t" not in str(err.value)
