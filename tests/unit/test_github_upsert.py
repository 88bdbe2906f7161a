"""`tierform pr-comment` / `tierform issue` update the comment or issue carrying their
marker instead of adding one per run. GitHub cannot be reached here, so `gh` is replaced by
a fake on PATH that serves canned API answers and records every call (a mock, by necessity)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from support import run_tierform_in_process

FAKE_GH = """#!{python}
import json, os, sys
args = sys.argv[1:]
stdin = sys.stdin.read() if "--input" in args else None
with open(os.environ["FAKE_GH_LOG"], "a") as log:
    log.write(json.dumps({{"args": args, "body": json.loads(stdin) if stdin else None}}) + "\\n")
existing = json.loads(os.environ.get("FAKE_GH_EXISTING", "[]"))
if "-X" not in args:  # a listing (GET)
    print(json.dumps([existing]))
else:
    print(json.dumps({{"id": 99, "number": 7}}))
"""


def run(tmp_path: Path, existing: list, *args: str) -> tuple[subprocess.CompletedProcess, list]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH.format(python=sys.executable))
    gh.chmod(0o755)
    log = tmp_path / "gh.log"
    log.unlink(missing_ok=True)
    result = run_tierform_in_process(
        *args,
        PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        FAKE_GH_LOG=str(log),
        FAKE_GH_EXISTING=json.dumps(existing),
        GITHUB_REPOSITORY="northwind/platform",
    )
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return result, calls


def test_comment_is_posted_once_then_updated(tmp_path):
    body = tmp_path / "summary.md"
    body.write_text("<!-- tierform:plan-summary -->\n## Tierform plan\n")
    result, calls = run(
        tmp_path, [{"id": 1, "body": "LGTM"}], "pr-comment", "--pr", "12", "--body-file", str(body)
    )
    assert result.returncode == 0, result.stderr
    assert calls[-1]["args"][:4] == [
        "api",
        "repos/northwind/platform/issues/12/comments",
        "-X",
        "POST",
    ]
    assert calls[-1]["body"] == {"body": body.read_text()}
    existing = [{"id": 1, "body": "LGTM"}, {"id": 5, "body": "<!-- tierform:plan-summary -->\nold"}]
    result, calls = run(tmp_path, existing, "pr-comment", "--pr", "12", "--body-file", str(body))
    assert "updated comment 5" in result.stdout
    assert calls[-1]["args"][:4] == [
        "api",
        "repos/northwind/platform/issues/comments/5",
        "-X",
        "PATCH",
    ]


def test_drift_issue_is_updated_while_it_lasts(tmp_path):
    body = tmp_path / "drift.md"
    body.write_text("<!-- tierform:drift:prod -->\n## Drift in tier `prod`\n")
    args = ("issue", "--title", "Drift in tier prod", "--body-file", str(body), "--label", "drift")
    result, calls = run(tmp_path, [], *args)
    assert result.returncode == 0, result.stderr
    assert calls[-1]["body"] == {
        "title": "Drift in tier prod",
        "body": body.read_text(),
        "labels": ["drift"],
    }
    other_tier = {"number": 3, "body": "<!-- tierform:drift:dev -->"}
    same_tier = {"number": 4, "body": "<!-- tierform:drift:prod -->\nyesterday"}
    result, calls = run(tmp_path, [other_tier, same_tier], *args)
    assert "updated issue #4" in result.stdout
    assert calls[-1]["args"][1:4] == ["repos/northwind/platform/issues/4", "-X", "PATCH"]


def test_body_without_marker_is_refused(tmp_path):
    body = tmp_path / "x.md"
    body.write_text("no marker\n")
    result, calls = run(tmp_path, [], "pr-comment", "--pr", "1", "--body-file", str(body))
    assert result.returncode == 1
    assert "must start with a hidden marker" in result.stderr
    assert calls == []
