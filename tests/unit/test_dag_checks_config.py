"""`release.dags.checks` in tier files: validated with one clear line per mistake (file,
field, what was expected), inherited through `extends`, off by default."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import copy_config, edit_yaml, run_tierform_in_process

from tierform.config.dag_checks import DEFAULT_PARSE_BUDGET_SECONDS
from tierform.config.loader import load_platform


def _checks(config: Path, tier: str, checks: dict) -> None:
    def edit(data):
        data.setdefault("release", {}).setdefault("dags", {})["checks"] = checks

    edit_yaml(config / "tiers" / f"{tier}.yaml", edit)


@pytest.mark.parametrize(
    ("checks", "expected"),
    [
        (
            {"rules": {"owners": True}},
            "tiers/prod.yaml: release.dags.checks.rules.owners: unknown key; did you mean 'owner'?",
        ),
        (
            {"rules": {"min_retries": -1}},
            "tiers/prod.yaml: release.dags.checks.rules.min_retries: ",
        ),
        (
            {"rules": {"tags": "yes"}},
            "tiers/prod.yaml: release.dags.checks.rules.tags: expected true or false",
        ),
        (
            {"parse_timeout_seconds": 0},
            "tiers/prod.yaml: release.dags.checks.parse_timeout_seconds: ",
        ),
        (
            {"plugins_folder": "airflow/plugins"},
            "tiers/prod.yaml: release.dags.checks.plugins_folder: folder 'airflow/plugins' does not exist",
        ),
        (
            {"plugins_folder": "/etc"},
            "tiers/prod.yaml: release.dags.checks.plugins_folder: ",
        ),
        (
            {"parse_timeout_seconds": "30s"},
            "tiers/prod.yaml: release.dags.checks.parse_timeout_seconds: expected an integer",
        ),
    ],
    ids=[
        "unknown-rule",
        "negative-retries",
        "not-a-boolean",
        "zero-budget",
        "missing-plugins",
        "absolute-plugins",
        "budget-string",
    ],
)
def test_bad_dag_checks_are_one_clear_line_with_exit_2(tmp_path: Path, checks, expected):
    config = copy_config(tmp_path)
    _checks(config, "prod", checks)
    result = run_tierform_in_process("validate", "--config", str(config))
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if "release.dags.checks" in line]
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_checks_are_inherited_and_overridden_through_extends(tmp_path: Path):
    config = copy_config(tmp_path)
    _checks(
        config, "prod", {"parse_timeout_seconds": 12, "rules": {"tags": True, "min_retries": 2}}
    )
    _checks(config, "dev", {"rules": {"min_retries": 0}})
    tiers = load_platform(config).tiers
    assert tiers["prod"].release.dags.checks.rules.enabled() == ["tags", "min_retries"]
    # staging extends prod: the same checks
    assert tiers["staging"].release.dags.checks == tiers["prod"].release.dags.checks
    # dev extends staging and relaxes one rule, keeping the rest
    dev = tiers["dev"].release.dags.checks
    assert dev.parse_timeout_seconds == 12 and dev.rules.tags and dev.rules.min_retries == 0


def test_rules_are_off_and_the_budget_is_airflows_default_when_unset(tmp_path: Path):
    config = copy_config(tmp_path)
    edit_yaml(config / "tiers" / "local.yaml", lambda data: data.pop("release", None))
    checks = load_platform(config).tiers["local"].release.dags.checks
    assert checks.rules.enabled() == []
    assert checks.parse_timeout_seconds == DEFAULT_PARSE_BUDGET_SECONDS == 30


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--tier", "nope"], "tierform dag-check: --tier 'nope' is not a tier"),
        (["--tier", "prod", "--folder", "no/such/dags"], "--folder 'no/such/dags' is not a folder"),
    ],
    ids=["unknown-tier", "missing-folder"],
)
def test_dag_check_command_bad_input_is_one_line_and_exit_2(args: list[str], expected: str):
    result = run_tierform_in_process("dag-check", *args)
    assert result.returncode == 2
    assert expected in result.stderr and "Traceback" not in result.stderr
