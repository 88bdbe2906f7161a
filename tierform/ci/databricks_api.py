"""A small client of a Databricks workspace's REST API (stdlib urllib): the calls data CI
makes (Jobs API 2.1 runs/submit, runs/get, runs/cancel; the cluster policy and SQL
warehouse lists that turn the tier's names into ids) and the release step's Repos API
calls (PATCH/GET /api/2.0/repos/{id}: check a Git folder out at its ref's latest commit).

Auth is Databricks' standard environment: DATABRICKS_TOKEN (a personal access or workload
token), else OAuth machine-to-machine with DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET
(the service principal the CI job already gets, `tierform inputs --job ci`). The host is
the tier's `databricks.workspace.host`; DATABRICKS_HOST overrides it (Databricks' own
variable, and how the tests point at their local stand-in). The token is never logged or
put in an error message.
"""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

# 429 and 5xx are retried (Databricks asks clients to back off); anything else is an answer.
RETRIED = {429, 500, 502, 503, 504}
ATTEMPTS = 5
MAX_BACKOFF_SECONDS = 30.0


class DatabricksApiError(Exception):
    """A call the workspace refused or that could not reach it (message without secrets)."""


def workspace_host(config_host: str, env: Mapping[str, str]) -> str:
    return (env.get("DATABRICKS_HOST") or config_host).rstrip("/")


class DatabricksApi:
    def __init__(
        self,
        host: str,
        env: Mapping[str, str] | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 30.0,
    ):
        self.host = host.rstrip("/")
        self._env = os.environ if env is None else env
        self._sleep = sleep
        self._timeout = timeout
        self._bearer: str | None = None

    # --- the calls data CI makes -----------------------------------------------------------

    def submit_run(self, request: dict[str, Any]) -> int:
        return int(self.call("POST", "/api/2.1/jobs/runs/submit", request)["run_id"])

    def get_run(self, run_id: int) -> dict[str, Any]:
        return self.call("GET", "/api/2.1/jobs/runs/get", query={"run_id": str(run_id)})

    def cancel_run(self, run_id: int) -> None:
        self.call("POST", "/api/2.1/jobs/runs/cancel", {"run_id": run_id})

    def policy_ids(self) -> dict[str, str]:
        """Cluster policy name → id."""
        found = self.call("GET", "/api/2.0/policies/clusters/list").get("policies") or []
        return {str(p["name"]): str(p["policy_id"]) for p in found}

    def warehouse_ids(self) -> dict[str, str]:
        """SQL warehouse name → id."""
        found = self.call("GET", "/api/2.0/sql/warehouses").get("warehouses") or []
        return {str(w["name"]): str(w["id"]) for w in found}

    def update_repo(self, repo_id: str, kind: str, name: str) -> dict[str, Any]:
        """Check the Git folder out at `kind` ("branch" | "tag") `name`; on the branch it is
        already on, this pulls the branch's latest commit. Answers {} in the current API."""
        if kind not in ("branch", "tag"):
            raise ValueError(f"a Git folder is on a branch or a tag, not a {kind}")
        return self.call("PATCH", f"/api/2.0/repos/{_path_id(repo_id)}", {kind: name})

    def get_repo(self, repo_id: str) -> dict[str, Any]:
        """RepoInfo: id, path, url, provider, branch, head_commit_id, sparse_checkout."""
        return self.call("GET", f"/api/2.0/repos/{_path_id(repo_id)}")

    # --- transport -------------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        query: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        url = self.host + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {self._token()}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        return self._send(method, path, url, data, headers)

    def _send(self, method, path, url, data, headers) -> dict[str, Any]:
        for attempt in range(1, ATTEMPTS + 1):
            request = urllib.request.Request(url, data=data, headers=headers, method=method)
            try:
                with urllib.request.urlopen(request, timeout=self._timeout) as response:
                    text = response.read().decode("utf-8") or "{}"
                    return json.loads(text)
            except urllib.error.HTTPError as exc:
                if exc.code not in RETRIED or attempt == ATTEMPTS:
                    raise DatabricksApiError(f"{method} {path}: {_reason(exc)}") from None
                self._sleep(_backoff(attempt, exc.headers.get("Retry-After")))
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt == ATTEMPTS:
                    reason = getattr(exc, "reason", exc)
                    raise DatabricksApiError(
                        f"{method} {path}: cannot reach {self.host} ({reason})"
                    ) from None
                self._sleep(_backoff(attempt, None))
            except ValueError:
                raise DatabricksApiError(f"{method} {path}: the answer is not JSON") from None
        raise AssertionError("unreachable")

    def _token(self) -> str:
        if self._bearer is not None:
            return self._bearer
        token = self._env.get("DATABRICKS_TOKEN")
        if token:
            self._bearer = token
            return token
        client, secret = (
            self._env.get("DATABRICKS_CLIENT_ID"),
            self._env.get("DATABRICKS_CLIENT_SECRET"),
        )
        if not (client and secret):
            raise DatabricksApiError(
                f"no Databricks credentials for {self.host}: set DATABRICKS_TOKEN, or "
                "DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (a service principal's "
                "OAuth secret; `tierform inputs --tier <tier> --job ci` lists them)"
            )
        self._bearer = self._oauth_token(client, secret)
        return self._bearer

    def _oauth_token(self, client: str, secret: str) -> str:
        """OAuth M2M: the client-credentials grant at the workspace's token endpoint."""
        basic = base64.b64encode(f"{client}:{secret}".encode()).decode()
        data = urllib.parse.urlencode(
            {"grant_type": "client_credentials", "scope": "all-apis"}
        ).encode()
        headers = {
            "Authorization": f"Basic {basic}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        answer = self._send("POST", "/oidc/v1/token", self.host + "/oidc/v1/token", data, headers)
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise DatabricksApiError("POST /oidc/v1/token: the answer has no access_token")
        return token


def _path_id(repo_id: str) -> str:
    """Repo ids are int64; anything else would change the request's path."""
    if not str(repo_id).isdigit():
        raise DatabricksApiError(f"{str(repo_id)[:40]!r} is not a Git folder (repo) id")
    return str(repo_id)


def _backoff(attempt: int, retry_after: str | None) -> float:
    if retry_after and retry_after.isdigit():
        return min(float(retry_after), MAX_BACKOFF_SECONDS)
    return min(2.0 ** (attempt - 1), MAX_BACKOFF_SECONDS)


def _reason(exc: urllib.error.HTTPError) -> str:
    """HTTP status and Databricks' own error_code/message (never the request's headers)."""
    try:
        body = json.loads(exc.read().decode("utf-8") or "{}")
    except (ValueError, OSError):
        body = {}
    code = body.get("error_code") if isinstance(body, dict) else None
    message = body.get("message") if isinstance(body, dict) else None
    detail = ": ".join(str(x) for x in (code, message) if x)
    return f"HTTP {exc.code}" + (f" {detail[:300]}" if detail else "")
