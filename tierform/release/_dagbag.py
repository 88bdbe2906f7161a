"""Subprocess entry: parse a DAGs folder with Airflow's own DagBag, write the result as JSON.

Run by dag_check.py in a separate process because importing Airflow takes seconds,
configures logging and settings globally, and must see its environment (AIRFLOW_HOME under
.tierform/) before the first import. Usage: python -m tierform.release._dagbag FOLDER OUT.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(folder: str, out: str) -> None:
    # Airflow puts its configured DAGS_FOLDER on sys.path; DAG files import their helpers
    # (e.g. northwind_lib) from there, so the folder being checked must be importable too.
    sys.path.insert(0, folder)
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=folder)
    root = Path(folder)
    result = {
        "dags": {dag_id: _relative(dag.fileloc, root) for dag_id, dag in sorted(bag.dags.items())},
        "errors": {
            _relative(path, root): str(error) for path, error in sorted(bag.import_errors.items())
        },
    }
    Path(out).write_text(json.dumps(result, indent=2))


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
