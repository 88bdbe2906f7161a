"""A stand-in for a Databricks workspace's REST API, for tests (a real workspace cannot run
here): stdlib http.server on 127.0.0.1, a random free port, in a thread.

It implements only what `tierform ci run` and the Git folders release step call, with the
documented request and response shapes: Jobs API 2.1 `POST /api/2.1/jobs/runs/submit` (→ {run_id}; an idempotency_token
already seen returns the same run), `GET /api/2.1/jobs/runs/get?run_id=` (state with
life_cycle_state PENDING → RUNNING → TERMINATED, result_state SUCCESS/FAILED/CANCELED,
tasks[] with their own state and run_page_url, the run's run_page_url),
`POST /api/2.1/jobs/runs/cancel`, `GET /api/2.0/policies/clusters/list`,
`GET /api/2.0/sql/warehouses`, the Repos API's `PATCH /api/2.0/repos/{id}` ({branch} or
{tag}: check the Git folder out there, on the same branch a pull; answers {} as the current
API does) and `GET /api/2.0/repos/{id}` (RepoInfo: id, path, url, provider, branch,
head_commit_id), and the OAuth M2M token endpoint `POST /oidc/v1/token`.

Tests script the runs by job (the logical name in run_name): `failing[job] = task_key`
makes that task FAILED (and its dependants UPSTREAM_FAILED), `hanging.add(job)` keeps the
run RUNNING until cancelled, `internal_error.add(job)` ends it in INTERNAL_ERROR,
`refused.add(job)` answers its submit with 400.
`throttle` answers the next N calls with 429.
Git folders: `repos[id]` is a RepoInfo, `remote[branch or tag]` the commit the Git remote
has there; `repo_denied.add(id)` answers that folder's PATCH with 403 PERMISSION_DENIED.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "dapi-test-token-not-a-secret"
CLIENT_ID = "5f1e7a3c-ci-client"
CLIENT_SECRET = "dose-test-client-secret"
OAUTH_TOKEN = "oauth-issued-access-token"
_JOB = re.compile(r"^\[[^\]]+\] (\S+) ")


@dataclass
class FakeRun:
    run_id: int
    request: dict[str, Any]
    job: str
    polls: int = 0
    cancelled: bool = False


@dataclass
class FakeDatabricks:
    policies: dict[str, str] = field(default_factory=dict)  # name → id
    warehouses: dict[str, str] = field(default_factory=dict)  # name → id
    failing: dict[str, str] = field(default_factory=dict)  # job → task key that fails
    hanging: set[str] = field(default_factory=set)
    internal_error: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)  # jobs whose submit is answered 400
    throttle: int = 0
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    auth_headers: list[str] = field(default_factory=list)
    runs: dict[int, FakeRun] = field(default_factory=dict)
    cancels: list[int] = field(default_factory=list)
    repos: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → RepoInfo
    remote: dict[str, str] = field(default_factory=dict)  # branch or tag → its commit
    repo_denied: set[str] = field(default_factory=set)
    _tokens: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        # a short poll: shutdown() waits for it (0.5 s by default, per test)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeDatabricks:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def submits(self) -> list[dict[str, Any]]:
        return [body for method, path, body in self.requests if path.endswith("/runs/submit")]

    @property
    def repo_updates(self) -> list[tuple[str, Any]]:
        """(repo id, PATCH body) of every Git folder update, in order."""
        return [
            (path.rsplit("/", 1)[-1], body)
            for method, path, body in self.requests
            if method == "PATCH" and path.startswith("/api/2.0/repos/")
        ]

    # --- the API ---------------------------------------------------------------------------

    def answer(self, method: str, path: str, query: dict, body: Any, auth: str):
        with self._lock:
            self.requests.append((method, path, body))
            if path == "/oidc/v1/token":
                return self._oauth(auth, body)
            self.auth_headers.append(auth)
            if auth not in (f"Bearer {TOKEN}", f"Bearer {OAUTH_TOKEN}"):
                return 401, {"error_code": "UNAUTHENTICATED", "message": "bad token"}
            if self.throttle > 0:
                self.throttle -= 1
                return 429, {"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "slow down"}
            if (method, path) == ("GET", "/api/2.0/policies/clusters/list"):
                return 200, {
                    "policies": [{"policy_id": i, "name": n} for n, i in self.policies.items()],
                    "total_count": len(self.policies),
                }
            if (method, path) == ("GET", "/api/2.0/sql/warehouses"):
                return 200, {
                    "warehouses": [{"id": i, "name": n} for n, i in self.warehouses.items()]
                }
            if (method, path) == ("POST", "/api/2.1/jobs/runs/submit"):
                return self._submit(body)
            if (method, path) == ("GET", "/api/2.1/jobs/runs/get"):
                run = self.runs.get(int(query.get("run_id", ["0"])[0]))
                if run is None:
                    return 400, {"error_code": "INVALID_PARAMETER_VALUE", "message": "no run"}
                run.polls += 1
                return 200, self._run_view(run)
            if (method, path) == ("POST", "/api/2.1/jobs/runs/cancel"):
                run = self.runs.get(int(body.get("run_id", 0)))
                if run is None:
                    return 400, {"error_code": "INVALID_PARAMETER_VALUE", "message": "no run"}
                run.cancelled = True
                self.cancels.append(run.run_id)
                return 200, {}
            if path.startswith("/api/2.0/repos/") and method in ("GET", "PATCH"):
                return self._repo(method, path.rsplit("/", 1)[-1], body)
            return 404, {"error_code": "ENDPOINT_NOT_FOUND", "message": f"{method} {path}"}

    def _repo(self, method: str, repo_id: str, body: Any):
        repo = self.repos.get(repo_id)
        if repo is None:
            return 404, {
                "error_code": "RESOURCE_DOES_NOT_EXIST",
                "message": f"Repo {repo_id} does not exist.",
            }
        if method == "GET":
            return 200, dict(repo)
        if repo_id in self.repo_denied:
            return 403, {"error_code": "PERMISSION_DENIED", "message": "no Manage permission"}
        refs = [k for k in ("branch", "tag") if isinstance(body, dict) and k in body]
        if len(refs) != 1:
            return 400, {"error_code": "INVALID_PARAMETER_VALUE", "message": "branch or tag"}
        name = body[refs[0]]
        if name not in self.remote:
            return 400, {
                "error_code": "INVALID_PARAMETER_VALUE",
                "message": f"{refs[0]} {name} not found in the remote",
            }
        repo.pop("branch", None)
        if refs[0] == "branch":  # a tag leaves the folder in a detached HEAD
            repo["branch"] = name
        repo["head_commit_id"] = self.remote[name]
        return 200, {}

    def _oauth(self, auth: str, body: Any):
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        form = urllib.parse.parse_qs(body or "")
        if auth != f"Basic {expected}" or form.get("grant_type") != ["client_credentials"]:
            return 401, {"error": "invalid_client"}
        return 200, {"access_token": OAUTH_TOKEN, "token_type": "Bearer", "expires_in": 3600}

    def _submit(self, body: dict):
        token = body.get("idempotency_token")
        if token in self._tokens:
            return 200, {"run_id": self._tokens[token]}
        match = _JOB.match(str(body.get("run_name", "")))
        if match and match.group(1) in self.refused:
            return 400, {"error_code": "INVALID_PARAMETER_VALUE", "message": "bad task"}
        run_id = 1000 + len(self.runs) + 1
        self.runs[run_id] = FakeRun(run_id, body, match.group(1) if match else "?")
        if token:
            self._tokens[token] = run_id
        return 200, {"run_id": run_id}

    def _run_view(self, run: FakeRun) -> dict:
        url = f"{self.url}/#job/runs/{run.run_id}"
        tasks = [t["task_key"] for t in run.request.get("tasks", [])]
        if run.cancelled:
            life, result, task_states = "TERMINATED", "CANCELED", dict.fromkeys(tasks, "CANCELED")
        elif run.polls <= 1:
            life, result, task_states = "PENDING", None, {}
        elif run.job in self.hanging or run.polls == 2:
            life, result, task_states = "RUNNING", None, {}
        elif run.job in self.internal_error:
            life, result, task_states = "INTERNAL_ERROR", "FAILED", {}
        else:
            bad = self.failing.get(run.job)
            task_states = {
                t: "FAILED" if t == bad else ("UPSTREAM_FAILED" if bad else "SUCCESS")
                for t in tasks
            }
            if bad:  # tasks before the failing one (in order) succeeded
                for t in tasks[: tasks.index(bad)]:
                    task_states[t] = "SUCCESS"
            life, result = "TERMINATED", "FAILED" if bad else "SUCCESS"
        state: dict[str, Any] = {"life_cycle_state": life, "state_message": ""}
        if result:
            state["result_state"] = result
        return {
            "run_id": run.run_id,
            "run_name": run.request.get("run_name"),
            "run_page_url": url,
            "state": state,
            "tasks": [
                {
                    "run_id": run.run_id * 10 + i,
                    "task_key": t,
                    "run_page_url": f"{url}/tasks/{t}",
                    "state": {
                        "life_cycle_state": "TERMINATED" if t in task_states else life,
                        **({"result_state": task_states[t]} if t in task_states else {}),
                        "state_message": "notebook raised"
                        if task_states.get(t) == "FAILED"
                        else "",
                    },
                }
                for i, t in enumerate(tasks)
            ],
        }


def _handler(fake: FakeDatabricks):
    class Handler(BaseHTTPRequestHandler):
        def _dispatch(self, method: str) -> None:
            parsed = urllib.parse.urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            kind = self.headers.get("Content-Type", "")
            body: Any = json.loads(raw) if raw and "json" in kind else raw
            status, answer = fake.answer(
                method,
                parsed.path,
                urllib.parse.parse_qs(parsed.query),
                body,
                self.headers.get("Authorization", ""),
            )
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status == 429:
                self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self._dispatch("GET")

        def do_POST(self):
            self._dispatch("POST")

        def do_PATCH(self):
            self._dispatch("PATCH")

        def log_message(self, *args):  # keep the test output clean
            pass

    return Handler
