"""A stand-in for dbt Cloud's Administrative API v2, which cannot run here: a small HTTP
server on 127.0.0.1 (random port, a thread of the test process) implementing the endpoints
Tierform calls, with the documented request and response shapes —

  POST /api/v2/accounts/{account}/jobs/{job}/run/      trigger a run (cause, git_sha, ...)
  GET  /api/v2/accounts/{account}/runs/{run}/          the run (status 1/2/3/10/20/30, href)
  POST /api/v2/accounts/{account}/runs/{run}/cancel/   cancel it (status 30)
  GET  /api/v2/accounts/{account}/runs/{run}/artifacts/{name}   manifest.json, run_results.json

Responses are `{"status": {"code", "is_success", "user_message"}, "data": {...}}`; a wrong
token gets 401, an unknown account, job or run 404. Each job follows a script: the statuses
its runs report on successive GETs (the last one repeats) and the artifacts they leave.
Every request is kept (method, path, Authorization header, JSON body) for the tests to check.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


class FakeDbtCloud:
    def __init__(self, token: str = TOKEN, account: int = ACCOUNT):
        self.token = token
        self.account = account
        self.jobs: dict[int, JobScript] = {}
        self.runs: dict[int, dict] = {}
        self.requests: list[Seen] = []
        # HTTP codes answered to the next requests, in order (429, 503: retries).
        self.fail_next: list[int] = []
        self.run_polled = threading.Event()  # set at the first GET of any run
        self._lock = threading.Lock()
        self._next_run = 900
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

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

    def _answer(self, method: str, path: str, body: dict | None) -> tuple[int, object]:
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
