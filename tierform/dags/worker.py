"""Inside the DAG-check worker process: parse and serialize each DAG file the way Airflow's
dag-processor does (airflow/dag_processing/processor.py `_parse_file`: the stability check,
a BundleDagBag of the one file, `DagSerialization.to_dict` of each DAG), one forked child per
file, and kill a child that overruns its budget.

Why a fork per file: importing Airflow costs seconds, so it is done once in this process and
inherited; and a child can be killed from outside with SIGKILL, which no DAG code can defeat
(Airflow's own per-file timeout is a SIGALRM inside the parsing process: a file that ignores
the signal, or blocks in C code, outlives it). Each child is its own process group, so what
a DAG file starts is killed with it, and writes its output to a log file rather than to a
pipe someone waits on.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

BUNDLE_NAME = "dags-folder"  # the name Airflow gives the DAGs folder's bundle
# Imported once here for every child. A fixed list, not the modules each file imports (what
# the dag-processor pre-imports): an import in this process is not under a file's budget.
COMMON_MODULES = (
    "airflow.sdk",
    "airflow.providers.standard.operators.bash",
    "airflow.providers.standard.operators.python",
    "airflow.providers.standard.operators.trigger_dagrun",
    "airflow.providers.standard.sensors.external_task",
)


def run(request: dict[str, Any]) -> dict[str, Any]:
    die_with_parent()  # the release or CI job that started us was stopped: so are we
    folder = Path(request["folder"])
    work = Path(request["work_dir"])
    limit = float(request["budget_seconds"]) + float(request["grace_seconds"])
    parallelism = max(1, int(request["parallelism"]))

    from airflow.configuration import conf
    from airflow.utils.file import list_py_file_paths

    from tierform.dags.facts import record_explicit_catchup

    record_explicit_catchup()
    _warm_up()
    safe_mode = conf.getboolean("core", "DAG_DISCOVERY_SAFE_MODE", fallback=True)
    files = [Path(f) for f in list_py_file_paths(folder, safe_mode=safe_mode)]
    results: dict[str, dict[str, Any]] = {}
    context = multiprocessing.get_context("fork")
    pending = list(enumerate(files))
    running: dict[Any, tuple[Any, Path, float, Path, Path]] = {}
    while pending or running:
        while pending and len(running) < parallelism:
            index, path = pending.pop(0)
            result_file = work / f"result-{index}.json"
            log_file = work / f"log-{index}.txt"
            child = context.Process(
                target=_child, args=(path, folder, result_file, log_file), daemon=False
            )
            child.start()
            running[child.sentinel] = (child, path, time.monotonic(), result_file, log_file)
        now = time.monotonic()
        wait = max(0.0, min(start + limit - now for _, _, start, _, _ in running.values()))
        for sentinel in multiprocessing.connection.wait(list(running), timeout=wait):
            child, path, start, result_file, log_file = running.pop(sentinel)
            child.join()
            _kill_group(child.pid)  # anything the DAG file started
            results[_relative(path, folder)] = _collect(
                child.exitcode, time.monotonic() - start, result_file, log_file
            )
        now = time.monotonic()
        for sentinel, (child, path, start, _, log_file) in list(running.items()):
            if now - start >= limit:
                _kill_group(child.pid)
                child.kill()
                child.join()
                del running[sentinel]
                results[_relative(path, folder)] = {
                    "status": "killed",
                    "elapsed": round(now - start, 2),
                    "log_tail": _tail(log_file),
                }
    return {"files": sorted(results), "results": results}


def _warm_up() -> None:
    """Import and initialise here, once, what parsing and serializing load lazily (the
    DagBag, the serializer, plugins' timetables and priority strategies): otherwise every
    child pays for it again."""
    import pendulum
    from airflow.dag_processing.dagbag import BundleDagBag  # noqa: F401
    from airflow.providers.standard.operators.empty import EmptyOperator
    from airflow.sdk import DAG
    from airflow.serialization.serialized_objects import DagSerialization
    from airflow.utils.dag_version_inflation_checker import check_dag_file_stability  # noqa: F401

    with DAG("tierform_warm_up", schedule=None, start_date=pendulum.datetime(2024, 1, 1)) as dag:
        EmptyOperator(task_id="warm_up")
    DagSerialization.to_dict(dag)
    for module in COMMON_MODULES:
        with contextlib.suppress(Exception):
            importlib.import_module(module)


def die_with_parent() -> None:
    """On Linux, be killed when the parent process ends (PR_SET_PDEATHSIG): a child in its
    own session no longer gets the terminal's Ctrl-C nor its parent's process-group kill."""
    if sys.platform != "linux":
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG


def _child(path: Path, folder: Path, result_file: Path, log_file: Path) -> None:
    os.setsid()
    die_with_parent()
    fd = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    result = parse_file(path, folder)
    tmp = result_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(result))
    tmp.rename(result_file)


def parse_file(path: Path, folder: Path) -> dict[str, Any]:
    from airflow.dag_processing.dagbag import BundleDagBag
    from airflow.serialization.serialized_objects import DagSerialization
    from airflow.utils.dag_version_inflation_checker import check_dag_file_stability

    from tierform.dags.facts import dag_facts

    relative = _relative(path, folder)
    stability = check_dag_file_stability(os.fspath(path))
    refused = stability.get_error_format_dict(os.fspath(path), folder)
    if refused:
        return {
            "status": "parsed",
            "dags": [],
            "errors": [
                {"file": _relative(Path(folder, f), folder), "stage": "stability", "text": str(t)}
                for f, t in refused.items()
            ],
        }
    bag = BundleDagBag(
        dag_folder=os.fspath(path), bundle_path=folder, bundle_name=BUNDLE_NAME, load_op_links=False
    )
    errors = [
        {"file": _relative(Path(folder, file), folder), "stage": "import", "text": str(text)}
        for file, text in sorted(bag.import_errors.items())
    ]
    dags = []
    for dag_id, dag in sorted(bag.dags.items()):
        try:
            DagSerialization.to_dict(dag)
        except Exception as exc:  # what the dag-processor records as an import error
            errors.append(
                {
                    "file": relative,
                    "stage": "serialize",
                    "dag_id": dag_id,
                    "message": str(exc),
                    "text": traceback.format_exc(),
                }
            )
            continue
        facts = dag_facts(dag)
        facts["file"] = _relative(Path(dag.fileloc), folder) if dag.fileloc else relative
        dags.append(facts)
    return {"status": "parsed", "dags": dags, "errors": errors}


def _collect(exitcode: int | None, elapsed: float, result_file: Path, log_file: Path) -> dict:
    try:
        result = json.loads(result_file.read_text())
    except (OSError, ValueError):
        return {
            "status": "crashed",
            "exitcode": exitcode,
            "elapsed": round(elapsed, 2),
            "log_tail": _tail(log_file),
        }
    result["elapsed"] = round(elapsed, 2)
    return result


def _kill_group(pid: int | None) -> None:
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _tail(log_file: Path, lines: int = 5) -> str:
    try:
        text = log_file.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.strip().splitlines()[-lines:])


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()
