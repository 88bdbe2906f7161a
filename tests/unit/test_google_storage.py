"""GCS clients on a CI runner: GOOGLE_CREDENTIALS (what the workflows export for Terraform)
is used when Application Default Credentials are not configured. No network: building a
client with service account credentials contacts nothing. Without any credentials (or with
refused ones) a ledger in Cloud Storage is a LedgerError naming it and what to set — the
refusal an S3 ledger without credentials gives — in every command that reads one."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tierform.google_storage import GoogleCredentialsError, storage_client
from tierform.ledger import LedgerError


def _key(email: str, project: str = "acme-prod", token_uri: str = "") -> dict:
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
        "token_uri": token_uri or "https://oauth2.googleapis.com/token",
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


COMMIT = "4" * 40
NO_GOOGLE = (
    "no Google credentials found: set GOOGLE_CREDENTIALS (a service account key's JSON, or a "
    "path to it) or configure Application Default Credentials"
)


@pytest.fixture
def no_credentials(monkeypatch, tmp_path):
    """Neither Google nor AWS finds credentials, and neither waits for a metadata server:
    an empty HOME and gcloud config, no GCE check, AWS's instance metadata disabled."""
    empty = tmp_path / "empty-home"
    empty.mkdir()
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "TIERFORM_CONFIG",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in {
        "HOME": str(empty),
        "CLOUDSDK_CONFIG": str(empty),
        "NO_GCE_CHECK": "true",  # google-auth compares with "true" exactly
        "GCE_METADATA_HOST": "127.0.0.1:1",
        "GCE_METADATA_IP": "127.0.0.1:1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(empty / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(empty / "aws-credentials"),
    }.items():
        monkeypatch.setenv(name, value)
    # google-auth reads NO_GCE_CHECK when it is first imported, maybe before this test:
    # without it, the metadata server lookup retries for seconds.
    from google.auth.compute_engine import _metadata

    monkeypatch.setattr(_metadata, "_NO_GCE_CHECK", True)


@pytest.fixture
def helix(tmp_path):
    from support import helix_with_requires

    return helix_with_requires(tmp_path)


@pytest.mark.parametrize(
    ("tier", "says"),
    [
        # uat requires qa, whose ledger is in Cloud Storage
        ("uat", f"cannot open gs://helix-ledger-qa/qa: {NO_GOOGLE}"),
        # prod requires uat, whose ledger is in S3: the same refusal, boto3's words
        ("prod", "cannot read s3://helix-release-ledger/uat/uat/deployments/"),
    ],
)
def test_promotion_check_without_credentials_refuses_in_one_line(no_credentials, helix, tier, says):
    from support import run_tierform_in_process

    result = run_tierform_in_process(
        "promotion-check", "--tier", tier, "--commit", COMMIT, cwd=helix
    )
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        f"tierform promotion-check: REFUSED: cannot read the ledger: {says}"
    ), lines[0]
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("command", "step"),
    [("status", "status"), ("deployed", "deployed"), ("protection-check", "protection")],
)
def test_release_commands_report_a_ledger_without_credentials(no_credentials, helix, command, step):
    from support import run_tierform_in_process

    result = run_tierform_in_process(command, "--tier", "qa", cwd=helix, module="tierform.release")
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == (
        f"tierform-release[{step} qa] FAILED: cannot open gs://helix-ledger-qa/qa: {NO_GOOGLE} "
        "(GOOGLE_APPLICATION_CREDENTIALS, `gcloud auth application-default login`, or a "
        "metadata server)"
    )


def test_drift_and_the_plan_summary_name_the_unreadable_ledger(no_credentials, helix, capsys):
    from tierform.gitops.dbt_models import ledger_state_dir
    from tierform.gitops.drift import deployed_commit

    config = helix / "config"
    assert deployed_commit(config, "qa") is None
    assert f"qa: deployed commit unknown (cannot open gs://helix-ledger-qa/qa: {NO_GOOGLE}" in (
        capsys.readouterr().err
    )
    _, where, problem = ledger_state_dir(config, "qa", helix / "states")
    assert where == "the release ledger of qa"  # not opened, so no location yet
    assert problem is not None and f"gs://helix-ledger-qa/qa: {NO_GOOGLE}" in problem


@pytest.fixture
def refusing_token_endpoint():
    """An OAuth token endpoint that refuses every key (400 invalid_grant), on 127.0.0.1."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Refuse(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = json.dumps({"error": "invalid_grant", "error_description": "key disabled"})
            self.send_response(400)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/token"
    server.shutdown()
    server.server_close()


def test_a_refused_key_is_a_ledger_error_naming_the_object(monkeypatch, refusing_token_endpoint):
    # The client is built without a request; the first read exchanges the key for a token.
    from tierform.ledger.gcs_store import GcsStore

    key = _key("ci@acme-prod.iam.gserviceaccount.com", token_uri=refusing_token_endpoint)
    monkeypatch.setenv("GOOGLE_CREDENTIALS", json.dumps(key))
    store = GcsStore("helix-ledger-qa", "qa")
    with pytest.raises(LedgerError) as err:
        store.get("qa/deployments/latest.json")
    message = str(err.value)
    assert message.startswith(
        "cannot read gs://helix-ledger-qa/qa/qa/deployments/latest.json: Google refused the "
        "credentials ("
    ), message
    assert "invalid_grant" in message and message.endswith(
        "check GOOGLE_CREDENTIALS or the ADC in use"
    )
    assert "PRIVATE KEY" not in message and "\n" not in message
