"""Subprocess entry of the DAG checks: `python -m tierform.release._dagbag REQUEST.json`.

Run by dag_check.py in a separate process because importing Airflow takes seconds,
configures logging and settings globally, and must see its environment (AIRFLOW_HOME under
.tierform/, the copied DAGs folder, no credentials) before the first import. The work is
in tierform/dags/worker.py; the result is written to the request's `out` as JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(request_file: str) -> None:
    request = json.loads(Path(request_file).read_text())
    from tierform.dags.worker import run

    result = run(request)
    out = Path(request["out"])
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=1))
    tmp.rename(out)


if __name__ == "__main__":
    main(sys.argv[1])
