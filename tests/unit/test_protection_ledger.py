"""What a tier deployed protected is remembered in its release ledger, so a fresh clone (a CI
runner) refuses a config that lowers it: clone A records a successful deployment of a
protected tier; clone B, with no `.tierform/`, shares only the ledger (a local store folder
both point at) and runs `tierform release protection-check`."""

from __future__ import annotations

import json

from support import copy_config, edit_yaml, run_tierform_in_process

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _clone(root, ledger_dir):
    config = copy_config(root)

    def protect_staging(d):
        d["tiers"] = [
            "local",
            "dev",
            {"name": "staging", "kind": "staging", "protected": True},
            *d["tiers"][3:],
        ]
        d["promotion"]["tiers"]["staging"]["approval"] = True  # protected tiers need it

    edit_yaml(config / "platform.yaml", protect_staging)
    edit_yaml(
        config / "tiers/staging.yaml",
        lambda d: d.setdefault("release", {}).update(
            store={"type": "local", "directory": str(ledger_dir)}
        ),
    )
    return config


def _check(root, *extra):
    return run_tierform_in_process(
        "release", "protection-check", "--tier", "staging", "--root", str(root), *extra, cwd=root
    )


def test_a_fresh_clone_refuses_what_lowers_a_deployed_tier(tmp_path):
    ledger = tmp_path / "shared-ledger"
    a, b = tmp_path / "a", tmp_path / "b"
    _clone(a, ledger)
    recorded = run_tierform_in_process(
        "release", "record-deployment", "--tier", "staging", "--outcome", "success",
        "--commit", COMMIT, "--root", str(a), cwd=a,
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    last = json.loads((ledger / "staging" / "deployments" / "last-success.json").read_text())
    assert last["protection"]["protected"] is True
    assert "snowflake.databases.RAW" in last["protection"]["data_stores"]

    config_b = _clone(b, ledger)
    assert not (b / ".tierform").exists()
    kept = _check(b)
    assert kept.returncode == 0, kept.stdout + kept.stderr

    # Dropping a data store the tier deployed protected: refused, in PR form too.
    edit_yaml(config_b / "tiers/prod.yaml", lambda d: d["snowflake"]["databases"].pop("RAW"))
    refused = _check(b, "--status-dir", str(b / "plans"))
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "RAW" in refused.stderr and "Traceback" not in refused.stderr
    status = json.loads((b / "plans" / "staging.status.json").read_text())
    assert status["status"] == "failed" and "RAW" in status["error"]

    # Lowering the protection itself: refused as well.
    config_c = _clone(tmp_path / "c", ledger)
    edit_yaml(
        config_c / "platform.yaml", lambda d: d.update(tiers=[*d["tiers"][:2], "staging", "prod"])
    )
    lowered = _check(tmp_path / "c")
    assert lowered.returncode == 2, lowered.stdout + lowered.stderr
    assert "protected" in lowered.stderr


def test_nothing_recorded_passes_and_says_so(tmp_path):
    _clone(tmp_path / "a", tmp_path / "ledger")
    result = _check(tmp_path / "a")
    assert result.returncode == 0, result.stderr
    assert "no protected deployment" in result.stdout + result.stderr


def test_drift_takes_the_commit_the_tier_last_deployed(tmp_path):
    """drift.yml exports the ledger's deployed commit for the plan (`--github-env NAME`)."""
    ledger = tmp_path / "ledger"
    a = tmp_path / "a"
    _clone(a, ledger)
    env_file = tmp_path / "github_env"
    env_file.write_text("")
    args = ("release", "deployed", "--tier", "staging", "--root", str(a))
    export = ("--github-env", "TF_VAR_databricks_git_commit")
    none = run_tierform_in_process(*args, *export, cwd=a, GITHUB_ENV=str(env_file))
    assert none.returncode == 0 and "::notice::no successful deployment" in none.stdout
    assert env_file.read_text() == ""  # the job keeps its own value
    recorded = run_tierform_in_process(
        "release", "record-deployment", "--tier", "staging", "--outcome", "success",
        "--commit", COMMIT, "--root", str(a), cwd=a,
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    assert run_tierform_in_process(*args, cwd=a).stdout.strip() == COMMIT
    exported = run_tierform_in_process(*args, *export, cwd=a, GITHUB_ENV=str(env_file))
    assert exported.returncode == 0, exported.stderr
    assert env_file.read_text() == f"TF_VAR_databricks_git_commit={COMMIT}\n"


def _status(root):
    return json.loads((root / "plans" / "staging.status.json").read_text())


def test_a_corrupt_ledger_record_fails_the_tier_in_the_pr_comment(tmp_path):
    ledger = tmp_path / "ledger"
    a = tmp_path / "a"
    _clone(a, ledger)
    record = ledger / "staging" / "deployments" / "last-success.json"
    record.parent.mkdir(parents=True)
    record.write_text("{not json")
    result = _check(a, "--status-dir", str(a / "plans"))
    assert result.returncode == 2, result.stdout + result.stderr
    status = _status(a)
    assert status["status"] == "failed"
    assert status["error"].startswith("protection check: ")


def test_an_unreachable_ledger_fails_the_tier_in_the_pr_comment(tmp_path, monkeypatch):
    """The plan job's credentials cannot read the ledger (here: nothing listens at the S3
    endpoint): exit 1 and a failed status, so the tier does not vanish from the comment."""
    a = tmp_path / "a"
    config = _clone(a, tmp_path / "ledger")
    edit_yaml(
        config / "tiers/staging.yaml",
        lambda d: d["release"].update(
            store={"type": "s3", "bucket": "ledger", "prefix": "r", "region": "eu-west-1"}
        ),
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    result = _check(a, "--status-dir", str(a / "plans"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    status = _status(a)
    assert status["status"] == "failed" and status["error"].startswith("protection check: ")
