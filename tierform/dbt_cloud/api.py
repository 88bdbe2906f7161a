"""A small client of dbt Cloud's Administrative API v2 (stdlib only: the release step runs
on the light install): trigger a job run, get a run, cancel it, fetch its artifacts; and,
through the v3 API, read a credential and set its secret.

Every call has a timeout. Reads and cancels are retried a bounded number of times on 429,
5xx and network errors; a trigger only on 429 and 503 (refused before any run was
created), since retrying a trigger that dbt Cloud did receive would start a second run.
The token comes from the environment variable the tier names (DbtCloudStep.token_env); it
is sent in the Authorization header only, and messages name the variable, never the value.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping

from tierform.config.dbt_cloud_step import DbtCloudStep
from tierform.dbt_cloud.errors import DbtCloudError, DbtCloudInputError
from tierform.dbt_cloud.run import Run, parse_run

TIMEOUT_SECONDS = 30.0
ATTEMPTS = 4
RETRY_BASE_SECONDS = 1.0
RETRY_CAP_SECONDS = 30.0
RETRIED = frozenset({429, 500, 502, 503, 504})
TRIGGER_RETRIED = frozenset({429, 503})
REFUSED = {401: "refused the token", 403: "denied access with the token", 404: "has no"}


def token_from(step: DbtCloudStep, environ: Mapping[str, str] | None = None) -> str:
    token = (environ if environ is not None else os.environ).get(step.token_env, "").strip()
    if not token:
        raise DbtCloudInputError(
            f"the dbt Cloud API token is not set: export {step.token_env} (a dbt Cloud "
            f"service token of account {step.account_id}) in the environment that deploys"
        )
    return token


class DbtCloudClient:
    def __init__(
        self,
        host_url: str,
        account_id: int,
        token: str,
        *,
        token_env: str = "DBT_CLOUD_TOKEN",
        timeout: float = TIMEOUT_SECONDS,
        attempts: int = ATTEMPTS,
        retry_base: float = RETRY_BASE_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base = f"{host_url.rstrip('/')}/api/v2/accounts/{account_id}"
        # Credentials live in the v3 API only (what the dbtcloud provider calls too).
        self.base_v3 = f"{host_url.rstrip('/')}/api/v3/accounts/{account_id}"
        self._token = token
        self.token_env = token_env
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.retry_base = retry_base
        self._sleep = sleep

    @classmethod
    def for_step(cls, step: DbtCloudStep, environ: Mapping[str, str] | None = None):
        return cls(
            step.host_url, step.account_id, token_from(step, environ), token_env=step.token_env
        )

    def __repr__(self) -> str:  # never the token
        return f"DbtCloudClient({self.base!r}, token from ${self.token_env})"

    # --- the endpoints ---------------------------------------------------------------------

    def trigger_run(self, job_id: int, body: dict) -> Run:
        """POST /jobs/{id}/run/ — body: cause, git_sha or git_branch, and for CI jobs
        github_pull_request_id and schema_override."""
        path = f"jobs/{job_id}/run/"
        return parse_run(self._json("POST", path, body, retried=TRIGGER_RETRIED), self._show(path))

    def get_run(self, run_id: int) -> Run:
        path = f"runs/{run_id}/"
        return parse_run(self._json("GET", path), self._show(path))

    def cancel_run(self, run_id: int) -> Run:
        path = f"runs/{run_id}/cancel/"
        return parse_run(self._json("POST", path, {}), self._show(path))

    def artifact(self, run_id: int, name: str) -> bytes | None:
        """A file the run wrote (manifest.json, run_results.json); None when it has none
        (a run that failed before dbt wrote it)."""
        status, data = self._send("GET", f"runs/{run_id}/artifacts/{name}", None, RETRIED, {404})
        return None if status == 404 else data

    def get_credential(self, project_id: int, credential_id: int) -> dict:
        """GET v3 /projects/{p}/credentials/{c}/ — the credential without its secrets."""
        url = f"{self.base_v3}/projects/{project_id}/credentials/{credential_id}/"
        data = self._json("GET", url)
        if not isinstance(data, dict):
            raise DbtCloudError(f"GET {url}: dbt Cloud answered without the credential")
        return data

    def update_credential(
        self, project_id: int, credential_id: int, body: dict, *, secrets: tuple[str, ...]
    ) -> None:
        """POST v3 /projects/{p}/credentials/{c}/ with the whole credential, as the dbtcloud
        provider updates one. Retried like a read: setting the same value twice is harmless.
        `secrets` are blanked from any message (dbt Cloud's own included)."""
        url = f"{self.base_v3}/projects/{project_id}/credentials/{credential_id}/"
        self._json("POST", url, body, redact=secrets)

    # --- transport -------------------------------------------------------------------------

    def _show(self, path: str) -> str:
        """A v2 path of the account, or a full URL (the v3 calls) as it is."""
        return path if path.startswith(("http://", "https://")) else f"{self.base}/{path}"

    def _json(
        self, method: str, path: str, body: dict | None = None, *, retried=RETRIED, redact=()
    ):
        _, data = self._send(method, path, body, retried, set(), redact)
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise DbtCloudError(
                f"{method} {self._show(path)}: dbt Cloud answered with something not JSON"
            ) from None
        return document.get("data") if isinstance(document, dict) else None

    def _send(self, method, path, body, retried, accepted, redact=()) -> tuple[int, bytes]:
        url = self._show(path)
        payload = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Authorization": f"Token {self._token}", "Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        for attempt in range(1, self.attempts + 1):
            request = urllib.request.Request(url, data=payload, headers=headers, method=method)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.status, response.read()
            except urllib.error.HTTPError as exc:
                if exc.code in accepted:
                    return exc.code, b""
                if exc.code in retried and attempt < self.attempts:
                    self._sleep(self._delay(attempt, exc.headers.get("Retry-After")))
                    continue
                raise self._refusal(method, url, exc, redact) from None
            except (TimeoutError, urllib.error.URLError, ConnectionError) as exc:
                # A trigger that timed out may have started a run: not retried (see above).
                if retried is not TRIGGER_RETRIED and attempt < self.attempts:
                    self._sleep(self._delay(attempt, None))
                    continue
                reason = getattr(exc, "reason", exc)
                raise DbtCloudError(
                    f"{method} {url}: dbt Cloud could not be reached ({reason})"
                ) from None
        raise AssertionError("unreachable")  # the loop returns or raises

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after and retry_after.strip().isdigit():
            return min(float(retry_after), RETRY_CAP_SECONDS)
        return min(self.retry_base * 2 ** (attempt - 1), RETRY_CAP_SECONDS)

    def _refusal(self, method: str, url: str, exc, redact=()) -> DbtCloudError:
        said = _user_message(exc)
        # A PEM key is many lines and the message is one: any piece of a secret withholds it.
        pieces = [piece for secret in redact for piece in secret.split() if len(piece) >= 8]
        if any(piece in said for piece in pieces):
            said = ": (dbt Cloud's message withheld: it quoted the secret)"
        where = f"{method} {url}"
        if exc.code in (401, 403):
            return DbtCloudInputError(
                f"{where}: dbt Cloud {REFUSED[exc.code]} in ${self.token_env} "
                f"(HTTP {exc.code}){said}"
            )
        if exc.code == 404:
            return DbtCloudInputError(
                f"{where}: dbt Cloud has no such account, job, run or credential (HTTP 404){said}"
            )
        return DbtCloudError(f"{where}: dbt Cloud answered HTTP {exc.code}{said}")


def _user_message(exc: urllib.error.HTTPError) -> str:
    """dbt Cloud's own explanation (`status.user_message`), one short line, if any."""
    try:
        document = json.loads(exc.read().decode("utf-8"))
        message = document["status"]["user_message"]
    except Exception:  # any body at all: the HTTP code alone is the message then
        return ""
    text = " ".join(str(message).split())[:200]
    return f": {text}" if text else ""
