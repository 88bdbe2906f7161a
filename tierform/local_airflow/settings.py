"""Where a local Airflow for one tier lives and how its processes are configured.

Everything is under the git-ignored `.tierform/airflow/<tier>/home` (AIRFLOW_HOME): the
SQLite database, logs, the generated login and the JWT secret the components share. The
DAGs folder is the tier's published DAG folder (its DagTarget), so Airflow runs exactly what
the last `make deploy` released. Airflow's settings are passed as AIRFLOW__* variables to
each process: no airflow.cfg to drift from this module.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from tierform.config import PlatformConfig
from tierform.config.tier import TierSpec

DEFAULT_PORT = 8080
USER = "admin"


def home_folder(tier: str) -> Path:
    """A tier's local Airflow home, relative to the repository root: `make airflow`'s, and
    the one `release status` tells you to run `airflow dags test` with."""
    return Path(".tierform") / "airflow" / tier / "home"


class LocalAirflowError(Exception):
    """Bad input for a local Airflow (exit 2): one line, no traceback."""


@dataclass(frozen=True)
class LocalAirflow:
    tier: str
    root: Path
    dags_folder: Path
    port: int

    @property
    def home(self) -> Path:
        return self.root / home_folder(self.tier)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.home / "processes.json"

    @property
    def passwords_file(self) -> Path:
        return self.home / "simple_auth_manager_passwords.json"

    def password(self) -> str:
        """The login's password, generated once per home and kept there (mode 0600)."""
        path = self.passwords_file
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))[USER]
        value = secrets.token_urlsafe(12)
        _write_private(path, json.dumps({USER: value}))
        return value

    def _jwt_secret(self) -> str:
        path = self.home / "jwt_secret"
        if not path.is_file():
            _write_private(path, secrets.token_urlsafe(32))
        return path.read_text(encoding="utf-8").strip()

    def environment(self) -> dict[str, str]:
        """The environment of every Airflow process (api-server, scheduler, dag-processor)."""
        self.home.mkdir(parents=True, exist_ok=True)
        self.password()  # the passwords file must exist before the api-server reads it
        settings = {
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            # SQLite takes one writer at a time: one task at a time avoids "database is locked".
            "AIRFLOW__CORE__PARALLELISM": "1",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{self.home / 'airflow.db'}",
            "AIRFLOW__CORE__AUTH_MANAGER": (
                "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
            ),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(self.passwords_file),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__BASE_URL": self.url,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.url}/execution/",
            "AIRFLOW__API_AUTH__JWT_SECRET": self._jwt_secret(),
            # A new release replaces the DAGs folder's symlink: notice it within seconds.
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "5",
            # Runs here are manual (you trigger them): no schedule starts a run behind your
            # back when a DAG is unpaused, against a warehouse you are using.
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(self.home / "logs"),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
        return {**env, **settings}


def local_airflow(platform: PlatformConfig, tier: TierSpec, root: Path, port: int) -> LocalAirflow:
    """The local Airflow of a tier whose DAGs are published into a folder on this machine."""
    if tier.airflow is None:
        raise LocalAirflowError(
            f"tier {tier.name!r} has no airflow section; a local Airflow runs a tier whose "
            "airflow.flavor is local"
        )
    target = tier.airflow.dag_target(tier.name)
    if target.kind != "local":
        raise LocalAirflowError(
            f"tier {tier.name!r} publishes its DAGs to {target.kind} ({target.location}), not "
            "to a folder on this machine; a local Airflow runs a tier with airflow.flavor: local"
        )
    folder = Path(target.location)
    folder = folder if folder.is_absolute() else root / folder
    if not folder.is_dir():
        raise LocalAirflowError(
            f"{target.location} does not exist yet: publish the tier's DAGs first "
            f"(`make deploy TIER={tier.name}`)"
        )
    return LocalAirflow(tier=tier.name, root=root, dags_folder=folder, port=port)


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
