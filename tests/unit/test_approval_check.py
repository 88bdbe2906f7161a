"""`tierform approval-check`: `approval: true` is enforced by reading the tier's GitHub
environment; it fails closed. GitHub cannot be reached from here, so a small HTTP server on
127.0.0.1 stands in for its REST API (GITHUB_API_URL, the variable every Actions job has)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from support import EXAMPLE_CONFIG, run_tierform_in_process

ENVIRONMENTS = {
    "/repos/northwind/data-platform/environments/prod": {
        "name": "prod",
        "protection_rules": [
            {"id": 1, "type": "wait_timer", "wait_timer": 0},
            {"id": 2, "type": "required_reviewers", "reviewers": [{"type": "Team"}]},
        ],
    },
    "/repos/northwind/unguarded/environments/prod": {"name": "prod", "protection_rules": []},
}


class FakeGitHub(BaseHTTPRequestHandler):
    seen: list[tuple[str, str | None]] = []

    def do_GET(self):
        FakeGitHub.seen.append((self.path, self.headers.get("Authorization")))
        body = ENVIRONMENTS.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body or {"message": "Not Found"}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def api():
    server = HTTPServer(("127.0.0.1", 0), FakeGitHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def check(api: str, tier: str, repo: str):
    return run_tierform_in_process(
        "approval-check", "--tier", tier, "--repo", repo, "--config", str(EXAMPLE_CONFIG),
        GITHUB_API_URL=api, GITHUB_TOKEN="t0ken",
    )  # fmt: skip


def test_environment_with_required_reviewers_passes(api):
    result = check(api, "prod", "northwind/data-platform")
    assert result.returncode == 0, result.stderr
    assert "environment 'prod' has 1 required reviewer(s)" in result.stdout
    assert FakeGitHub.seen[-1] == (
        "/repos/northwind/data-platform/environments/prod",
        "Bearer t0ken",
    )


def test_environment_without_reviewers_or_missing_fails_closed(api):
    bare = check(api, "prod", "northwind/unguarded")
    assert bare.returncode == 1
    assert "has no required reviewers" in bare.stderr
    missing = check(api, "prod", "northwind/elsewhere")
    assert missing.returncode == 1 and "GitHub answered 404" in missing.stderr
    unreachable = check("http://127.0.0.1:9", "prod", "northwind/data-platform")
    assert unreachable.returncode == 1 and "REFUSED" in unreachable.stderr


def test_tier_without_approval_needs_no_call(api):
    before = len(FakeGitHub.seen)
    result = check(api, "staging", "northwind/data-platform")
    assert result.returncode == 0 and "needs no approval" in result.stdout
    assert len(FakeGitHub.seen) == before
