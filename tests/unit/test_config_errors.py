"""Every kind of bad input, through the real command (`python main.py`, as cdktf runs it):
one clear line naming file and field, exit code 2, no traceback, cdktf.out untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import copy_config, edit_yaml, run_synth, tree_snapshot

PROD = Path("tiers") / "prod.yaml"
DEV = Path("tiers") / "dev.yaml"
PLATFORM = Path("platform.yaml")


def _set(path: list, value):
    def edit(data):
        node = data
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value

    return edit


def _delete(path: list):
    def edit(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return edit


CASES = [
    pytest.param(
        PROD,
        _set(["snowflake", "warehouses", "TRANSFORMING", "size"], "HUGE"),
        "tiers/prod.yaml: snowflake.warehouses.TRANSFORMING.size: 'HUGE' is not one of XSMALL, SMALL, MEDIUM",
        id="bad-enum-value",
    ),
    pytest.param(
        PROD,
        _set(["snowflake", "warehouses", "LOADING", "auto_suspend"], "60"),
        "tiers/prod.yaml: snowflake.warehouses.LOADING.auto_suspend: expected an integer, got a string '60'",
        id="wrong-type",
    ),
    pytest.param(
        PROD,
        _set(["snowflake", "warehouses", "LOADING", "sise"], "SMALL"),
        "tiers/prod.yaml: snowflake.warehouses.LOADING.sise: unknown key; did you mean 'size'?",
        id="unknown-key",
    ),
    pytest.param(
        PROD,
        _delete(["snowflake", "connection", "account_name"]),
        "tiers/prod.yaml: snowflake.connection.account_name: required field is missing",
        id="missing-field",
    ),
    pytest.param(
        Path("tiers") / "staging.yaml",
        _set(["extends"], "qa"),
        "tiers/staging.yaml: extends: 'qa' is not a tier (tiers: local, dev, staging, prod)",
        id="unknown-extends",
    ),
    pytest.param(
        PROD,
        _set(["extends"], "dev"),
        "tiers/prod.yaml: extends: inheritance cycle: prod → dev → staging → prod",
        id="extends-cycle",
    ),
    pytest.param(
        PROD,
        _set(["snowflake", "roles", "REPORTER", "databases", "MARTS"], "RO"),
        "tiers/prod.yaml: snowflake.roles.REPORTER.databases.MARTS: 'MARTS' is not a declared database",
        id="role-unknown-database",
    ),
    pytest.param(
        PROD,
        _set(["snowflake", "roles", "LOADER", "warehouses"], ["LOADING", "BIG"]),
        "tiers/prod.yaml: snowflake.roles.LOADER.warehouses.1: 'BIG' is not a declared warehouse",
        id="role-unknown-warehouse",
    ),
    pytest.param(
        PROD,
        _set(["snowflake", "service_users", "DBT", "role"], "ADMIN"),
        "tiers/prod.yaml: snowflake.service_users.DBT.role: 'ADMIN' is not a declared role",
        id="user-unknown-role",
    ),
    pytest.param(
        PROD,
        _set(["snowflake", "roles", "LOADER", "warehouses"], ["LOADING", "LOADING"]),
        "tiers/prod.yaml: snowflake.roles.LOADER.warehouses: 'LOADING' is listed twice",
        id="duplicate-in-list",
    ),
    pytest.param(
        DEV,
        _set(["developers"], [{"name": "alice"}, {"name": "alice"}]),
        "tiers/dev.yaml: developers.1.name: 'alice' is listed twice",
        id="duplicate-developer",
    ),
    pytest.param(
        PROD,
        _set(["snowflake", "databases", "raw"], {}),
        "tiers/prod.yaml: snowflake.databases.raw: 'raw' is not a valid object name",
        id="bad-identifier",
    ),
    pytest.param(
        PROD,
        _set(
            ["snowflake", "service_users", "DBT", "rsa_public_key"],
            "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----",
        ),
        "tiers/prod.yaml: snowflake.service_users.DBT.rsa_public_key: this looks like a private key",
        id="private-key-in-config",
    ),
    pytest.param(
        PROD,
        _set(["backend"], {"type": "s4", "bucket": "x"}),
        "tiers/prod.yaml: backend.type: 's4' is not one of local, s3, gcs, cloud",
        id="unknown-backend",
    ),
    pytest.param(
        PROD,
        _set(["backend"], {"type": "s3", "region": "eu-west-1"}),
        "tiers/prod.yaml: backend.bucket: required field is missing",
        id="backend-missing-field",
    ),
    pytest.param(
        PROD,
        _delete(["snowflake", "resource_monitor"]),
        "tiers/prod.yaml: snowflake.resource_monitor: a prod tier with warehouses must declare a resource monitor",
        id="prod-needs-monitor",
    ),
    pytest.param(
        PROD,
        _set(["protected"], False),
        "tiers/prod.yaml: protected: a prod tier is always protected",
        id="prod-unprotected",
    ),
    pytest.param(
        PLATFORM,
        _set(["release", "dbt", "project_dir"], "examples/nope"),
        "platform.yaml: release.dbt.project_dir: folder 'examples/nope' does not exist",
        id="release-missing-dbt-folder",
    ),
    pytest.param(
        PLATFORM,
        _set(["release", "dbt", "project_dir"], "examples/dags"),
        "platform.yaml: release.dbt.project_dir: 'examples/dags' holds no dbt_project.yml",
        id="release-folder-not-dbt",
    ),
    pytest.param(
        PLATFORM,
        _set(["release", "dags", "folder"], "/srv/dags"),
        "platform.yaml: release.dags.folder: '/srv/dags' must be a path inside the repository",
        id="release-absolute-path",
    ),
    pytest.param(
        PLATFORM,
        _set(["release", "dags", "folder"], "../elsewhere/dags"),
        "platform.yaml: release.dags.folder: '../elsewhere/dags' must be a path inside the repository",
        id="release-path-escapes-repo",
    ),
    pytest.param(
        PLATFORM,
        _set(["release", "dags", "foldr"], "examples/dags"),
        "platform.yaml: release.dags.foldr: unknown key; did you mean 'folder'?",
        id="release-unknown-key",
    ),
    pytest.param(
        Path("tiers") / "staging.yaml",
        _set(["release"], {"dbt": {"target": "qa"}}),
        "tiers/staging.yaml: release.dbt.target: dbt target 'qa' is not declared in examples/dbt/profiles.yml (targets: local, dev, staging, prod, sandbox)",
        id="release-unknown-dbt-target",
    ),
    pytest.param(
        PROD,
        _set(["release"], {"dags": {"enabled": "yes"}}),
        "tiers/prod.yaml: release.dags.enabled: expected true or false, got a string 'yes'",
        id="release-switch-type",
    ),
]


def _assert_rejected(result, expected: str, config: Path):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert expected in result.stderr.replace(str(config) + "/", ""), result.stderr


@pytest.mark.parametrize(("file", "edit", "expected"), CASES)
def test_bad_input_is_one_clear_message_and_exit_2(tmp_path, file, edit, expected):
    config = copy_config(tmp_path)
    edit_yaml(config / file, edit)
    outdir = tmp_path / "cdktf.out"
    outdir.mkdir()
    (outdir / "previous.json").write_text("{}")
    before = tree_snapshot(outdir)
    result = run_synth(config, outdir)
    _assert_rejected(result, expected, config)
    assert tree_snapshot(outdir) == before


def test_error_in_inherited_file_names_that_file_once(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(config / PROD, _set(["snowflake", "warehouses", "LOADING", "size"], "TINY"))
    result = run_synth(config, tmp_path / "out")
    _assert_rejected(result, "tiers/prod.yaml: snowflake.warehouses.LOADING.size", config)
    # staging and dev inherit the mistake; it is reported once, where it was written
    assert result.stderr.count("LOADING.size") == 1


def test_override_error_names_the_overriding_file(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "staging.yaml",
        _set(["snowflake", "warehouses", "REPORTING", "size"], "TINY"),
    )
    result = run_synth(config, tmp_path / "out")
    _assert_rejected(
        result, "tiers/staging.yaml: snowflake.warehouses.REPORTING.size: 'TINY'", config
    )


def test_yaml_syntax_error(tmp_path):
    config = copy_config(tmp_path)
    (config / PROD).write_text("kind: prod\nsnowflake: [unclosed\n")
    result = run_synth(config, tmp_path / "out")
    _assert_rejected(result, "tiers/prod.yaml: YAML syntax error: line", config)


def test_duplicate_yaml_key(tmp_path):
    config = copy_config(tmp_path)
    text = (
        (config / PROD)
        .read_text()
        .replace("    LOADING: {", "    REPORTING: {size: XSMALL}\n    LOADING: {", 1)
    )
    (config / PROD).write_text(text)
    result = run_synth(config, tmp_path / "out")
    _assert_rejected(result, "tiers/prod.yaml: line", config)
    assert "duplicate key 'REPORTING'" in result.stderr


def test_missing_tier_file(tmp_path):
    config = copy_config(tmp_path)
    (config / "tiers" / "staging.yaml").unlink()
    result = run_synth(config, tmp_path / "out")
    _assert_rejected(
        result, "tiers/staging.yaml: file not found (tier 'staging' is listed in", config
    )


def test_missing_platform_file(tmp_path):
    config = copy_config(tmp_path)
    (config / "platform.yaml").unlink()
    result = run_synth(config, tmp_path / "out")
    _assert_rejected(result, "platform.yaml: file not found", config)


def test_unknown_stack_selection(tmp_path):
    config = copy_config(tmp_path)
    result = run_synth(config, tmp_path / "out", TIERFORM_TIERS="qa")
    assert result.returncode == 2
    assert "$TIERFORM_TIERS: 'qa' is not a tier or sandbox stack" in result.stderr
