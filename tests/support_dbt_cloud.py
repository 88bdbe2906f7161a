"""A stand-in for dbt Cloud's Administrative API v2, which cannot run here: a small HTTP
server on 127.0.0.1 (random port, a thread of the test process) implementing the endpoints
Tierform calls, with the documented request and response shapes —

  POST /api/v2/accounts/{account}/jobs/{job}/run/      trigger a run (cause, git_sha, ...)
  GET  /api/v2/accounts/{account}/runs/{run}/          the run (status 1/2/3/10/20/30, href)
  POST /api/v2/accounts/{account}/runs/{run}/cancel/   cancel it (status 30)
  GET  /api/v2/accounts/{account}/runs/{run}/artifacts/{name}   manifest.json, run_results.json
  GET  /api/v3/accounts/{account}/projects/{project}/credentials/{id}/   a credential (no secrets)
  POST /api/v3/accounts/{account}/projects/{project}/credentials/{id}/   update it (whole object,
       as the dbtcloud provider sends it: Snowflake `private_key`[, `private_key_passphrase`],
       Databricks `credential_details.fields.token.value`)

Responses are `{"status": {"code", "is_success", "user_message"}, "data": {...}}`; a wrong
token gets 401, an unknown account, job or run 404. Each job follows a script: the statuses
its runs report on successive GETs (the last one repeats) and the artifacts they leave.
Every request is kept (method, path, Authorization header, JSON body) for the tests to check.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import re
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ACCOUNT = 7001
PROJECT = 8002
TOKEN = "dbtc_fake-service-token-0123456789"


@dataclass
class JobScript:
    statuses: list[int] = field(default_factory=lambda: [1, 3, 10])
    artifacts: dict[str, bytes] = field(default_factory=dict)
    status_message: str | None = None


@dataclass
class Seen:
    method: str
    path: str
    authorization: str | None
    body: dict | None


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and its key), for the stand-in's TLS mode."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


class FakeDbtCloud:
    """`tls=True` serves https with a self-signed certificate, as config demands of a dbt
    Cloud access URL; clients trust it through `SSL_CERT_FILE=<cert_file>` (OpenSSL's own
    variable, which urllib's default context honours)."""

    def __init__(self, token: str = TOKEN, account: int = ACCOUNT, *, tls: bool = False):
        self.token = token
        self.account = account
        self.jobs: dict[int, JobScript] = {}
        self.runs: dict[int, dict] = {}
        # credential id → the credential as dbt Cloud keeps it (secrets included); GETs
        # answer without the secrets, as dbt Cloud does.
        self.credentials: dict[int, dict] = {}
        # When set, credential updates are refused (HTTP 400) with this message.
        self.reject_credential_with: str | None = None
        self.requests: list[Seen] = []
        # HTTP codes answered to the next requests, in order (429, 503: retries).
        self.fail_next: list[int] = []
        self.run_polled = threading.Event()  # set at the first GET of any run
        self._lock = threading.Lock()
        self._next_run = 900
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.cert_file: Path | None = None
        self._certs = None
        if tls:
            self._certs = tempfile.TemporaryDirectory(prefix="fake-dbt-cloud-")
            self.cert_file, key_file = _self_signed(Path(self._certs.name))
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.cert_file, key_file)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)

    @property
    def url(self) -> str:
        scheme = "https" if self.cert_file else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        if self._certs is not None:
            self._certs.cleanup()

    def seen(self, method: str, pattern: str) -> list[Seen]:
        return [r for r in self.requests if r.method == method and re.search(pattern, r.path)]

    # --- the API ----------------------------------------------------------------------------

    def _run_json(self, run: dict) -> dict:
        status = run["statuses"][min(run["polls"], len(run["statuses"]) - 1)]
        if run["cancelled"]:
            status = 30
        names = {1: "Queued", 2: "Starting", 3: "Running", 10: "Success", 20: "Error"}
        return {
            "id": run["id"],
            "account_id": self.account,
            "project_id": PROJECT,
            "job_definition_id": run["job"],
            "status": status,
            "status_humanized": names.get(status, "Cancelled"),
            "is_complete": status in (10, 20, 30),
            "is_success": status == 10,
            "is_error": status == 20,
            "is_cancelled": status == 30,
            "status_message": run["message"] if status == 20 else None,
            "git_sha": run["trigger"].get("git_sha"),
            "github_pull_request_id": run["trigger"].get("github_pull_request_id"),
            "trigger": run["trigger"],
            "href": f"{self.url}/deploy/{self.account}/projects/{PROJECT}/runs/{run['id']}/",
        }

    def _credential(self, method: str, path: str, body: dict | None):
        m = re.fullmatch(
            rf"/api/v3/accounts/{self.account}/projects/(\d+)/credentials/(\d+)/", path
        )
        found = self.credentials.get(int(m[2])) if m else None
        if found is None or found["project_id"] != int(m[1]):
            return 404, "Credential not found."
        if method == "POST":
            if self.reject_credential_with is not None:
                return 400, self.reject_credential_with
            if not isinstance(body, dict) or body.get("id") != found["id"]:
                return 400, "Invalid credential."
            found.clear()
            found.update(body)
        return 200, _without_secrets(found)

    def _answer(self, method: str, path: str, body: dict | None) -> tuple[int, object]:
        if path.startswith("/api/v3/"):
            return self._credential(method, path, body)
        prefix = f"/api/v2/accounts/{self.account}/"
        if not path.startswith(prefix):
            return 404, "Account not found."
        rest = path[len(prefix) :]
        if method == "POST" and (m := re.fullmatch(r"jobs/(\d+)/run/", rest)):
            script = self.jobs.get(int(m[1]))
            if script is None:
                return 404, "Job not found."
            self._next_run += 1
            run = {
                "id": self._next_run,
                "job": int(m[1]),
                "statuses": list(script.statuses),
                "artifacts": dict(script.artifacts),
                "message": script.status_message,
                "trigger": body or {},
                "polls": 0,
                "cancelled": False,
            }
            self.runs[run["id"]] = run
            return 200, self._run_json(run)
        m = re.fullmatch(r"runs/(\d+)/(cancel/|artifacts/(.+))?", rest)
        run = self.runs.get(int(m[1])) if m else None
        if run is None:
            return 404, "Run not found."
        if method == "GET" and m[2] is None:
            run["polls"] += 1
            self.run_polled.set()
            return 200, self._run_json(run)
        if method == "POST" and m[2] == "cancel/":
            run["cancelled"] = True
            return 200, self._run_json(run)
        if method == "GET" and m[3]:
            data = run["artifacts"].get(m[3])
            return (200, data) if data is not None else (404, "Artifact not found.")
        return 405, "Method not allowed."

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):  # quiet test output
                pass

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                auth = self.headers.get("Authorization")
                with fake._lock:
                    fake.requests.append(Seen(method, self.path, auth, body))
                    if fake.fail_next:
                        code, payload = fake.fail_next.pop(0), "Try again later."
                    elif auth != f"Token {fake.token}":
                        code, payload = 401, "Invalid token."
                    else:
                        code, payload = fake._answer(method, self.path, body)
                if isinstance(payload, bytes):
                    data, kind = payload, "application/octet-stream"
                else:
                    ok = code == 200
                    document = {
                        "status": {
                            "code": code,
                            "is_success": ok,
                            "user_message": "Success!" if ok else payload,
                            "developer_message": "",
                        },
                        "data": payload if ok else None,
                    }
                    data, kind = json.dumps(document).encode(), "application/json"
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                if code == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

        return Handler


SECRET_FIELDS = ("private_key", "private_key_passphrase", "password")


def _without_secrets(credential: dict) -> dict:
    shown = {k: v for k, v in credential.items() if k not in SECRET_FIELDS}
    fields = (shown.get("credential_details") or {}).get("fields") or {}
    if "token" in fields:
        details = dict(shown["credential_details"])
        details["fields"] = {**fields, "token": {**fields["token"], "value": ""}}
        shown["credential_details"] = details
    return shown


def snowflake_credential(
    credential_id: int, project: int = PROJECT, user: str = "DBT_STAGING"
) -> dict:
    """A key-pair credential as Terraform created it: no key."""
    return {
        "id": credential_id,
        "account_id": ACCOUNT,
        "project_id": project,
        "type": "snowflake",
        "state": 1,
        "threads": 8,
        "user": user,
        "auth_type": "keypair",
        "schema": "MARTS",
    }


def databricks_credential(credential_id: int, project: int = PROJECT) -> dict:
    return {
        "id": credential_id,
        "account_id": ACCOUNT,
        "project_id": project,
        "type": "adapter",
        "state": 1,
        "threads": 4,
        "adapter_id": 17,
        "credential_details": {
            "fields": {
                "token": {"metadata": {"label": "Token", "encrypt": True}, "value": ""},
                "schema": {"metadata": {"label": "Schema"}, "value": "qa_curated"},
            },
            "field_order": [],
        },
    }


def enable_commented_dbt_cloud(config: Path, host_url: str | None = None) -> None:
    """Uncomment the example's dbt Cloud variant, as a user would: the `cloud:` block of
    platform.yaml and the `release:` block of tiers/staging.yaml; `host_url` (the stand-in's
    URL) replaces the account's."""
    for name, marker in (("platform.yaml", "# cloud:"), ("tiers/staging.yaml", "# release:")):
        path = config / name
        head, tail = path.read_text().split(marker, 1)
        lines = (marker + tail).splitlines()
        block = [lines[0]]
        for line in lines[1:]:
            if not line.lstrip().startswith("#   "):
                break
            block.append(line)
        text = "\n".join(line.replace("# ", "", 1) for line in block)
        if host_url is not None:
            text = re.sub(r"host_url: \S+", f"host_url: {host_url}", text)
        rest = lines[len(block) :]
        path.write_text(head + text + "\n" + "\n".join(rest) + "\n")


STAGING = "staging"


def example_staging_on_dbt_cloud(config: Path, host_url: str) -> None:
    """The example's commented variant uncommented, and what this machine needs besides:
    the stand-in's account (ids, URL, 1 s polls), staging as a data CI target (so a CI
    job by default), staging's ledger in a local folder (its S3 bucket is not reachable;
    absolute, as a required tier's must be: prod requires staging)
    and its Databricks jobs kept out of data CI (`ci: false`: `ci run --all` would submit
    them to a workspace; tests/unit/test_ci_databricks_runs.py covers those runs)."""
    from support import edit_yaml

    enable_commented_dbt_cloud(config, host_url)
    ledger = config.absolute().parent / ".tierform" / "ledger"

    def platform(d):
        d["release"]["dbt"]["cloud"].update(account_id=ACCOUNT, project_id=PROJECT, poll_seconds=1)
        d["ci"]["targets"] = [*d["ci"]["targets"], STAGING]

    def staging(d):
        # = <repository>/.tierform/ledger, the relative default, written as a shared folder
        d["release"]["store"] = {"type": "local", "directory": str(ledger)}
        d["release"]["dbt"]["cloud"].pop("ci_job")
        for job in (d.get("databricks") or {}).get("jobs", {}).values():
            job["ci"] = False

    edit_yaml(config / "platform.yaml", platform)
    edit_yaml(config / "tiers" / f"{STAGING}.yaml", staging)


def manifest(*nodes: tuple[str, str]) -> bytes:
    """A minimal manifest.json: (unique_id, original_file_path) per node."""
    return json.dumps(
        {
            "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"},
            "nodes": {
                uid: {"unique_id": uid, "original_file_path": path, "resource_type": "model"}
                for uid, path in nodes
            },
        }
    ).encode()


def run_results(*results: tuple[str, str, str]) -> bytes:
    """A minimal run_results.json: (unique_id, status, message) per result."""
    return json.dumps(
        {
            "results": [
                {"unique_id": uid, "status": status, "message": message}
                for uid, status, message in results
            ]
        }
    ).encode()
