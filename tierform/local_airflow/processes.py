"""Start and stop a local Airflow: api-server, scheduler and dag-processor, each in its own
process group (so a stop ends whatever a component spawned: task runners, uvicorn workers),
their process ids kept in the home folder so `stop` works from another shell."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tierform.local_airflow.settings import USER, LocalAirflow

COMPONENTS = ("api-server", "scheduler", "dag-processor")
START_TIMEOUT = 180.0
STOP_GRACE = 20.0


class StartFailed(Exception):
    """A component exited or the API never answered (exit 1; its log tail is attached)."""


def airflow_command(*args: str) -> list[str]:
    # `python -m airflow`, not the `airflow` script: a script's shebang may name another
    # interpreter (a copied virtualenv), and the task runners must use this one.
    return [sys.executable, "-m", "airflow", *args]


def running(airflow: LocalAirflow) -> dict[str, int]:
    """component → process group id, for the components of ours still alive."""
    try:
        recorded = json.loads(airflow.pid_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {name: pid for name, pid in recorded.items() if _ours(pid)}


def start(airflow: LocalAirflow, timeout: float = START_TIMEOUT) -> bool:
    """Start every component and wait until the API answers; False when already running."""
    if running(airflow):
        return False
    env = airflow.environment()
    logs = airflow.home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / "db-migrate.log", "w", encoding="utf-8") as log:
        migrate = subprocess.run(
            airflow_command("db", "migrate"),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
    if migrate.returncode != 0:
        raise StartFailed(f"airflow db migrate failed:\n{_tail(logs / 'db-migrate.log')}")
    pids: dict[str, int] = {}
    try:
        for name in COMPONENTS:
            with open(logs / f"{name}.log", "w", encoding="utf-8") as log:
                process = subprocess.Popen(
                    airflow_command(name),
                    env=env,
                    cwd=airflow.home,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,  # its own process group: killpg ends all of it
                )
            pids[name] = process.pid
            _write_pids(airflow, pids)
        _wait_healthy(airflow, pids, timeout)
    except BaseException:
        stop(airflow)
        raise
    return True


def stop(airflow: LocalAirflow, grace: float = STOP_GRACE) -> list[str]:
    """Stop every recorded component and whatever it spawned: SIGTERM, SIGKILL after `grace`.

    Airflow's task supervisors and the commands they run (dbt) start sessions of their own,
    so a component's process group is not all of it: the whole process tree is collected
    first (before parents exit and orphans are re-parented) and signalled too."""
    groups = running(airflow)
    tree = sorted({p for pid in groups.values() for p in _tree(pid)})
    for pid in groups.values():
        _signal_group(pid, signal.SIGTERM)
    for pid in tree:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(pid) for pid in tree):
        time.sleep(0.2)
    for pid in groups.values():
        _signal_group(pid, signal.SIGKILL)
    for pid in tree:
        if _alive(pid):
            _signal(pid, signal.SIGKILL)
    airflow.pid_file.unlink(missing_ok=True)
    return sorted(groups)


def login_lines(airflow: LocalAirflow) -> list[str]:
    return [
        f"Airflow ({airflow.tier}) is running at {airflow.url}",
        f"  login: {USER} / {airflow.password()}  (kept in {airflow.passwords_file})",
        f"  DAGs folder: {airflow.dags_folder}",
        f"  logs: {airflow.home / 'logs'}",
        f"  stop: make airflow-stop TIER={airflow.tier}",
    ]


def _wait_healthy(airflow: LocalAirflow, pids: dict[str, int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    health = f"{airflow.url}/api/v2/monitor/health"
    while time.monotonic() < deadline:
        for name, pid in pids.items():
            if not _alive(pid):
                log = airflow.home / "logs" / f"{name}.log"
                raise StartFailed(f"airflow {name} exited during start:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(health, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise StartFailed(
        f"the API at {health} did not answer within {timeout:.0f} s:\n"
        f"{_tail(airflow.home / 'logs' / 'api-server.log')}"
    )


def _write_pids(airflow: LocalAirflow, pids: dict[str, int]) -> None:
    airflow.pid_file.write_text(json.dumps(pids, indent=2) + "\n", encoding="utf-8")


def _alive(pid: int) -> bool:
    """Running (a zombie, exited but not yet reaped, is not)."""
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)  # reap it when it is our own child
        if waited == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = _stat(pid)
    return stat is None or stat[0] != "Z"


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) from /proc, None where there is no /proc (macOS)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the command name may hold spaces
    return fields[0], int(fields[1])


def _tree(root: int) -> list[int]:
    """root and all its descendants (from /proc; just root without it)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))):
            children.setdefault(stat[1], []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, sig)


def _ours(pid: int) -> bool:
    """Alive and still an Airflow process (a recorded pid may have been reused)."""
    if not _alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc (macOS): trust the record
    return b"airflow" in cmdline


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path})"
