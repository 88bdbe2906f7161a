"""`requires: staging` on prod, checked against staging's release ledger in S3 (moto's
standalone server on 127.0.0.1, the example's default store: the state bucket)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from object_servers import make_bucket, moto_s3_server
from support import REPO, copy_config, tool_env

pytestmark = pytest.mark.integration

DEPLOYED = "1" * 40
NEVER = "2" * 40
FAILED = "3" * 40


@pytest.fixture(scope="module")
def s3():
    with moto_s3_server() as env:
        make_bucket(env, "northwind-tierform-state")  # staging's and prod's backend bucket
        yield env


def run(s3, *args: str, cwd=REPO):
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, env=tool_env(**s3), capture_output=True, text=True
    )


def test_prod_only_gets_a_commit_staging_deployed(s3, tmp_path):
    config = copy_config(tmp_path)
    root = str(config.parent)

    def check(commit: str):
        return run(s3, "tierform", "promotion-check", "--tier", "prod", "--commit", commit,
                   "--config", str(config))  # fmt: skip

    refused = check(NEVER)
    assert refused.returncode == 1
    assert (
        "tier 'prod' requires commit 222222222222 to be deployed successfully to 'staging' first"
        in refused.stderr
    )
    assert "s3://northwind-tierform-state/tierform/releases/staging" in refused.stderr

    for commit, outcome in ((DEPLOYED, "success"), (FAILED, "failure")):
        recorded = run(s3, "tierform.release", "record-deployment", "--tier", "staging",
                       "--outcome", outcome, "--commit", commit, "--root", root)  # fmt: skip
        assert recorded.returncode == 0, recorded.stderr

    allowed = check(DEPLOYED)
    assert allowed.returncode == 0, allowed.stderr
    assert f"staging deployed {DEPLOYED[:12]}" in allowed.stdout
    assert check(FAILED).returncode == 1  # a failed deployment proves nothing
    assert check(NEVER).returncode == 1
    # staging itself requires nothing
    staging = run(s3, "tierform", "promotion-check", "--tier", "staging", "--commit", NEVER,
                  "--config", str(config))  # fmt: skip
    assert staging.returncode == 0


def test_bad_commit_and_unreachable_ledger(s3, tmp_path):
    config = copy_config(tmp_path)
    bad = run(s3, "tierform", "promotion-check", "--tier", "prod", "--commit", "main",
              "--config", str(config))  # fmt: skip
    assert bad.returncode == 2 and "expected a full 40-character SHA" in bad.stderr
    dead = {**s3, "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9"}
    closed = run(dead, "tierform", "promotion-check", "--tier", "prod", "--commit", NEVER,
                 "--config", str(config))  # fmt: skip
    assert closed.returncode == 1 and "cannot read the ledger" in closed.stderr
    assert "Traceback" not in closed.stderr


def test_summary_shows_every_tier_from_its_ledger(s3, tmp_path):
    config = copy_config(tmp_path)
    root = str(config.parent)
    recorded = run(s3, "tierform.release", "record-deployment", "--tier", "prod", "--outcome",
                   "success", "--commit", DEPLOYED, "--run-url", "https://ci.example/runs/9",
                   "--root", root)  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    summary = run(s3, "tierform.release", "summary", "--root", root)
    assert summary.returncode == 0, summary.stderr
    text = summary.stdout
    assert [line for line in text.splitlines() if line.startswith("### ")] == [
        "### `local`", "### `dev`", "### `staging`", "### `prod`",
    ]  # fmt: skip
    prod = text.split("### `prod`")[1]
    assert "deployed: success at" in prod and f"commit {DEPLOYED[:10]}" in prod
    assert "(https://ci.example/runs/9)" in prod
    bad = run(s3, "tierform.release", "record-deployment", "--tier", "prod", "--outcome",
              "maybe", "--root", root)  # fmt: skip
    assert bad.returncode == 2 and "expected one of success, failure" in bad.stderr
