"""`tierform airflow start|stop`: which tier it may run and how Airflow is configured (no
Airflow started here; tests/integration/test_local_airflow.py runs it for real)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from support import EXAMPLE_CONFIG, REPO, run_tierform_in_process

from tierform.config import load_platform
from tierform.local_airflow.settings import LocalAirflowError, local_airflow


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A repository root whose local tier has a published DAGs folder."""
    (tmp_path / ".tierform" / "airflow" / "local" / "dags").mkdir(parents=True)
    return tmp_path


def test_settings_point_airflow_at_the_published_folder_on_loopback(published: Path):
    platform = load_platform(EXAMPLE_CONFIG)
    airflow = local_airflow(platform, platform.tiers["local"], published, 18080)
    env = airflow.environment()
    home = published / ".tierform" / "airflow" / "local" / "home"
    assert env["AIRFLOW_HOME"] == str(home)
    assert env["AIRFLOW__CORE__DAGS_FOLDER"] == str(
        published / ".tierform" / "airflow" / "local" / "dags"
    )
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == f"sqlite:///{home / 'airflow.db'}"
    assert env["AIRFLOW__API__HOST"] == "127.0.0.1"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:18080/execution/"
    assert env["AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE"] == "False"
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"
    # The login is generated once, kept in the home, readable only by its owner.
    passwords = home / "simple_auth_manager_passwords.json"
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
    assert json.loads(passwords.read_text()) == {"admin": airflow.password()}
    assert (
        airflow.environment()["AIRFLOW__API_AUTH__JWT_SECRET"]
        == env["AIRFLOW__API_AUTH__JWT_SECRET"]
    )


def test_a_tier_without_a_local_dags_folder_is_refused(published: Path):
    platform = load_platform(EXAMPLE_CONFIG)
    with pytest.raises(LocalAirflowError, match="publishes its DAGs to s3"):
        local_airflow(platform, platform.tiers["prod"], published, 8080)


def test_unpublished_dags_say_how_to_publish(tmp_path: Path):
    platform = load_platform(EXAMPLE_CONFIG)
    with pytest.raises(LocalAirflowError, match=r"make deploy TIER=local"):
        local_airflow(platform, platform.tiers["local"], tmp_path, 8080)


def test_cli_refusal_is_one_line_and_exit_2():
    result = run_tierform_in_process("airflow", "start", "--tier", "prod", cwd=REPO)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "tierform airflow start: tier 'prod' publishes its DAGs to s3" in result.stderr


def test_stop_with_nothing_running_says_so(tmp_path: Path):
    result = run_tierform_in_process(
        "airflow", "stop", "--config", str(EXAMPLE_CONFIG), "--tier", "local", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "no local Airflow was running" in result.stdout
