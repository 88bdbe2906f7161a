"""Data CI benchmark: `tierform ci run` on the local tier for a one-model change of the
example (a column added to stg_orders), after a release of the local tier. Prints the wall
time and the nodes built against the nodes in the project; asserts nothing.

    .venv/bin/python scripts/bench_ci.py [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = REPO / ".venv" / "bin" / "python"


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    for name in ("TIERFORM_ROOT", "TIERFORM_CONFIG", "TIERFORM_DUCKDB_PATH", "GITHUB_ACTIONS"):
        env.pop(name, None)
    return subprocess.run(list(args), cwd=root, env=env, capture_output=True, text=True)


def git(root: Path, *args: str) -> None:
    ident = ["-c", "user.email=bench@example.com", "-c", "user.name=bench"]
    subprocess.run(["git", *ident, *args], cwd=root, check=True, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", action="store_true", help="keep the repository copy")
    options = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="tierform-bench-ci-"))
    try:
        for name in ("config", "examples"):
            shutil.copytree(
                REPO / name,
                root / name,
                ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"),
            )
        (root / ".gitignore").write_text(".tierform/\nci-results/\n")
        release = run(root, str(PY), "-m", "tierform.release", "dbt", "--tier", "local")
        if release.returncode != 0:
            print(release.stdout[-2000:], release.stderr[-2000:], file=sys.stderr)
            return 1
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "released")
        model = root / "examples" / "dbt" / "models" / "staging" / "stg_orders.sql"
        model.write_text(
            model.read_text().replace("as status\n", "as status,\n    1 as bench_column\n")
        )
        started = time.monotonic()
        ci = run(
            root,
            str(PY),
            "-m",
            "tierform",
            "ci",
            "run",
            "--tier",
            "local",
            "--pr",
            "1",
            "--base",
            "main",
            "--results",
            "ci-results",
        )
        wall = time.monotonic() - started
        data = json.loads((root / "ci-results" / "local.json").read_text())
        checks = {o["check"]: o["summary"] for o in data["outcomes"]}
        print(
            f"tierform ci run (one-model change, local tier): {wall:.1f} s wall, exit {ci.returncode}"
        )
        print(
            f"  nodes built {data.get('nodes_built')} of {data.get('nodes_in_project')} in the project"
        )
        for check, summary in checks.items():
            print(f"  {check}: {summary}")
        return 0
    finally:
        if options.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
