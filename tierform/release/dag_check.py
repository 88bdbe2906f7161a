"""The DAG checks, shared by the release gate (`tierform.release dags`) and the pull
request's data CI: every file of a DAGs folder parsed **and serialized** the way Airflow's
dag-processor does, then the rules the tier switches on (tierform/config/dag_checks.py).

Isolation: the worker (tierform/release/_dagbag.py → tierform/dags/worker.py) parses a
*copy* of the folder from a scratch working directory, so a file a DAG writes while being
parsed never reaches what is published; its environment has no deploy credentials
(tierform/credential_env.py) and a scratch HOME (no ~/.aws, ~/.snowflake). Each file has a
time budget; a file over it is reported by name, its parser killed.

    check = check_dags(root, folder, extra_env, checks=tier.release.dags.checks)
    check.ok, check.dags (dag_id → file), check.problems (DagProblem: file, line, message)
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from tierform.config.dag_checks import DagChecksSpec
from tierform.config.secrets import mask_secrets
from tierform.credential_env import without_credentials
from tierform.dags.problems import (
    CRASH,
    SERIALIZE,
    TIMEOUT,
    DagProblem,
    crash_message,
    error_line,
    headline,
    import_message,
    killed_message,
    serialize_message,
)
from tierform.dags.rules import rule_problems
from tierform.dags.versions import checker_version, version_note, version_problems
from tierform.release.context import ReleaseError

__all__ = ["DagCheck", "DagProblem", "check_dags", "headline"]

BUDGET_SETTING = "release.dags.checks.parse_timeout_seconds"
# After Airflow's own timeout (set to the budget) has had its chance to stop an import.
GRACE_SECONDS = 2
# Importing Airflow in the worker, before any file is parsed (≈10 s on a loaded machine).
STARTUP_ALLOWANCE_SECONDS = 300


@dataclass(frozen=True)
class DagCheck:
    dags: dict[str, str]  # dag_id → file (relative to the folder)
    problems: list[DagProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # the files Airflow would parse
    seconds: dict[str, float] = field(default_factory=dict)  # file → parse time
    removed_env: list[str] = field(default_factory=list)  # credential names kept from it
    notes: list[str] = field(default_factory=list)  # what the check could not vouch for

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def errors(self) -> dict[str, str]:
        """file → its problems, one per line (what failed, by file)."""
        out: dict[str, list[str]] = {}
        for problem in self.problems:
            out.setdefault(problem.file, []).append(problem.message)
        return {file: "\n".join(lines) for file, lines in sorted(out.items())}

    def error_lines(self) -> list[str]:
        return [p.one_line() for p in sorted(self.problems, key=_order)]

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "dags": self.dags,
            "files": self.files,
            "problems": [p.as_dict() for p in sorted(self.problems, key=_order)],
        }


def check_dags(
    root: Path,
    folder: Path,
    extra_env: dict[str, str] | None = None,
    *,
    checks: DagChecksSpec | None = None,
    parallelism: int | None = None,
    airflow_major: int | None = None,
) -> DagCheck:
    """Check the DAGs in `folder` (never modified). `extra_env` is added to the worker's
    environment (credentials in it are removed too); `checks` are the tier's settings
    (default: parse and serialize only, 30 s per file). Raises ReleaseError when the check
    itself cannot run (Airflow missing or broken), not when a DAG fails. `airflow_major`:
    the Airflow the tier's environment runs (None: the installed one, tierform/dags/versions.py)."""
    checks = checks or DagChecksSpec()
    budget = checks.parse_timeout_seconds
    workers = parallelism or max(1, min(4, os.cpu_count() or 1))
    # A DAG may leave read-only files in its copy: never a reason for the check to fail.
    with tempfile.TemporaryDirectory(
        prefix="tierform-dagcheck-", ignore_cleanup_errors=True
    ) as tmp:
        scratch = Path(tmp)
        copy = scratch / "dags"
        shutil.copytree(
            Path(folder), copy, symlinks=False, ignore=shutil.ignore_patterns("__pycache__")
        )
        plugins = scratch / "plugins"
        if checks.plugins_folder is not None:
            source = Path(root) / checks.plugins_folder
            if not source.is_dir():
                raise ReleaseError(
                    f"the Airflow plugins folder {checks.plugins_folder!r} does not exist"
                )
            shutil.copytree(source, plugins, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            plugins.mkdir()  # none: never whatever AIRFLOW_HOME/plugins holds on this machine
        (scratch / "home").mkdir()
        (scratch / "work").mkdir()
        env, removed = _worker_environment(root, copy, scratch, extra_env or {}, budget)
        request = {
            "folder": str(copy),
            "work_dir": str(scratch / "work"),
            "out": str(scratch / "result.json"),
            "budget_seconds": budget,
            "grace_seconds": GRACE_SECONDS,
            "parallelism": workers,
        }
        (scratch / "request.json").write_text(json.dumps(request))
        candidates = sum(1 for _ in copy.rglob("*.py")) + sum(1 for _ in copy.rglob("*.zip"))
        deadline = STARTUP_ALLOWANCE_SECONDS + (budget + GRACE_SECONDS + 5) * math.ceil(
            (candidates + 1) / workers
        )
        log = scratch / "worker.log"
        with log.open("wb") as log_out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "tierform.release._dagbag", str(scratch / "request.json")],
                env=env,
                cwd=scratch / "work",  # a DAG writing to a relative path writes here
                stdin=subprocess.DEVNULL,
                stdout=log_out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # one process group, killed as a whole
            )
            try:
                returncode = proc.wait(timeout=deadline)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                raise ReleaseError(
                    f"the DAG check did not finish within {deadline} s (the worker importing "
                    f"Airflow hung); last output:\n{_tail(log)}"
                ) from None
            finally:
                _kill_group(proc)  # whatever a DAG file left running
        out = scratch / "result.json"
        if returncode != 0 or not out.is_file():
            raise ReleaseError(f"Airflow's DAG parser could not run:\n{_tail(log)}")
        data = json.loads(out.read_text())
    check = _interpret(data, checks, folder, removed)
    note = version_note(airflow_major, checker_version())
    if note is None:
        return check
    extra = version_problems(Path(folder), check.files, airflow_major)
    return replace(check, problems=[*check.problems, *extra], notes=[*check.notes, note])


def _worker_environment(
    root: Path, copy: Path, scratch: Path, extra: dict[str, str], budget: int
) -> tuple[dict[str, str], list[str]]:
    """This process's environment without credentials, plus Airflow's settings for parsing:
    its home (config, SQLite, logs) under the git-ignored .tierform/, never ~/airflow; the
    copied folder as DAGS_FOLDER; no example DAGs; Airflow's own import timeout at the budget."""
    home = Path(root).resolve() / ".tierform" / "airflow-home"
    home.mkdir(parents=True, exist_ok=True)
    env, removed = without_credentials({**os.environ, **extra})
    env.update(
        HOME=str(scratch / "home"),  # no ~/.aws/credentials, ~/.snowflake, gcloud ADC
        AWS_EC2_METADATA_DISABLED="true",  # nor an instance role's credentials
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(copy),
        AIRFLOW__CORE__PLUGINS_FOLDER=str(scratch / "plugins"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT=str(budget),
        AIRFLOW__LOGGING__LOGGING_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
        # One fork per file after Airflow is imported, as the dag-processor does; macOS
        # refuses such forks unless told (Airflow documents the same setting).
        OBJC_DISABLE_INITIALIZE_FORK_SAFETY="YES",
    )
    return env, removed


def _interpret(data: dict, checks: DagChecksSpec, folder: Path, removed: list[str]) -> DagCheck:
    budget = checks.parse_timeout_seconds
    problems: list[DagProblem] = []
    facts: list[dict] = []
    seconds: dict[str, float] = {}
    for file, result in sorted(data["results"].items()):
        seconds[file] = float(result.get("elapsed", 0.0))
        status = result["status"]
        if status == "killed":
            problems.append(
                DagProblem(
                    file, None, killed_message(budget, BUDGET_SETTING, result["elapsed"]), TIMEOUT
                )
            )
            continue
        if status == "crashed":
            problems.append(
                DagProblem(
                    file,
                    None,
                    crash_message(result.get("exitcode"), result.get("log_tail", "")),
                    CRASH,
                    detail=result.get("log_tail", ""),
                )
            )
            continue
        for error in result["errors"]:
            text = error["text"]
            if error["stage"] == SERIALIZE:
                kind, message = SERIALIZE, serialize_message(error["dag_id"], error["message"])
            else:
                kind, message = import_message(text, budget, BUDGET_SETTING)
            problems.append(
                DagProblem(
                    error["file"],
                    error_line(text, error["file"]),
                    message,
                    kind,
                    dag_id=error.get("dag_id"),
                    detail=text,
                )
            )
        facts.extend(result["dags"])
    sources: dict[str, str] = {}

    def line_of(file: str, dag_id: str) -> int | None:
        if file not in sources:
            try:
                sources[file] = (folder / file).read_text(encoding="utf-8", errors="replace")
            except OSError:
                sources[file] = ""
        return definition_line(sources[file], dag_id)

    problems.extend(rule_problems(facts, checks.rules, line_of))
    # An error text may quote what the DAG code held: never a secret into a log or comment.
    problems = [
        replace(p, message=mask_secrets(p.message), detail=mask_secrets(p.detail)) for p in problems
    ]
    return DagCheck(
        dags={dag["dag_id"]: dag["file"] for dag in sorted(facts, key=lambda d: d["dag_id"])},
        problems=problems,
        files=data["files"],
        seconds=seconds,
        removed_env=removed,
    )


def definition_line(source: str, dag_id: str) -> int | None:
    """Where a DAG is defined: the line naming its id as a string, else the function of a
    `@dag` without one."""
    for pattern in (rf"""["']{re.escape(dag_id)}["']""", rf"\bdef {re.escape(dag_id)}\s*\("):
        if match := re.search(pattern, source):
            return source.count("\n", 0, match.start()) + 1
    return None


def _order(problem: DagProblem) -> tuple:
    return (problem.file, problem.line or 0, problem.message)


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _tail(log: Path, lines: int = 15) -> str:
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return ""
    return mask_secrets("\n".join(text.strip().splitlines()[-lines:]))
