"""Wall time of the DAG checks (tierform/release/dag_check.py) for generated DAG folders.

    .venv/bin/python scripts/bench_dag_check.py [--files 10,100,500] [--tasks 8] [--parallelism N]

For each size it writes that many DAG files (each one DAG of `--tasks` tasks in a chain,
with an owner, tags, retries and explicit catchup, importing a shared helper module), runs
`check_dags` with every rule switched on, and prints the wall time, the time per file and
the slowest file. The time includes starting the worker and importing Airflow once (also
printed, as the 0-file run). Run it on a quiet machine; on a loaded one quote it as such.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tierform.config.dag_checks import DagChecksSpec, DagRulesSpec  # noqa: E402
from tierform.release.dag_check import check_dags  # noqa: E402

HELPER = '''
"""Shared by the generated DAGs, as a team's helper package would be."""
DEFAULT_ARGS = {"owner": "bench", "retries": 1}
'''

DAG = """
import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import dag
from bench_lib import DEFAULT_ARGS

@dag(dag_id="bench_{n:04d}", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1),
     catchup=False, tags=["bench"], default_args=DEFAULT_ARGS)
def _build():
    previous = None
    for i in range({tasks}):
        task = EmptyOperator(task_id=f"step_{{i}}")
        if previous is not None:
            previous >> task
        previous = task

_build()
"""

RULES = DagRulesSpec(owner=True, tags=True, min_retries=1, no_cycles=True, explicit_catchup=True)


def generate(folder: Path, files: int, tasks: int) -> None:
    (folder / "bench_lib").mkdir(parents=True)
    (folder / "bench_lib" / "__init__.py").write_text(HELPER)
    for n in range(files):
        (folder / f"bench_{n:04d}.py").write_text(DAG.format(n=n, tasks=tasks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", default="10,100,500")
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--parallelism", type=int, default=None)
    args = parser.parse_args()
    sizes = [0] + [int(s) for s in args.files.split(",")]
    print(f"{'files':>6} {'wall s':>8} {'ms/file':>8}  slowest file")
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="tierform-bench-dags-") as tmp:
            folder = Path(tmp) / "dags"
            generate(folder, size, args.tasks)
            start = time.perf_counter()
            check = check_dags(
                REPO,
                folder,
                checks=DagChecksSpec(rules=RULES),
                parallelism=args.parallelism,
            )
            wall = time.perf_counter() - start
        if not check.ok or len(check.dags) != size:
            raise SystemExit(f"unexpected result for {size} files: {check.error_lines()[:3]}")
        per_file = f"{1000 * wall / size:8.0f}" if size else f"{'-':>8}"
        slowest = max(check.seconds.items(), key=lambda item: item[1], default=("-", 0.0))
        print(f"{size:>6} {wall:8.1f} {per_file}  {slowest[0]} {slowest[1]:.2f} s")


if __name__ == "__main__":
    main()
