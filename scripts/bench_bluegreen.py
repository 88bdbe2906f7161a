"""Extra time of a blue/green dbt release over an in-place one, on the local tier (DuckDB).

    .venv/bin/python scripts/bench_bluegreen.py [--runs 3] [--models 200] [--rows 20000]

For the example project and for a generated project of N table models (each `--rows` rows,
a fan of chains over one seed), it releases the local tier in a throwaway repository copy
with `release.dbt.publish: in_place` and with `blue_green`, `--runs` times each after a
warm-up build (so the shadow copy holds real data), and prints the median wall time of
`python -m tierform.release dbt --tier local` per mode and the difference. Run it on a
quiet machine: it measures a few seconds of file copying next to dbt's own time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def make_copy(dest: Path) -> Path:
    root = dest / "repo"
    root.mkdir(parents=True)
    ignore = shutil.ignore_patterns("target", "logs", "dbt_packages", "__pycache__")
    for name in ("config", "examples"):
        shutil.copytree(REPO / name, root / name, ignore=ignore)
    (root / ".venv").symlink_to(REPO / ".venv", target_is_directory=True)
    return root


def generate_project(root: Path, models: int, rows: int) -> str:
    """examples/dbt with its models replaced by `models` tables: 10 chains from one source."""
    project = root / "examples" / "bench_dbt"
    shutil.copytree(root / "examples" / "dbt", project)
    shutil.rmtree(project / "models")
    shutil.rmtree(project / "tests", ignore_errors=True)
    (project / "tests").mkdir()
    folder = project / "models" / "marts"
    folder.mkdir(parents=True)
    chains = 10
    for i in range(models):
        if i < chains:
            body = f"select range as id, range % 97 as bucket from range({rows})"
        else:
            body = f"select id, bucket + 1 as bucket from {{{{ ref('m{i - chains:03d}') }}}}"
        (folder / f"m{i:03d}.sql").write_text(body + "\n")
    schema = ["version: 2", "models:"]
    for i in range(models):
        schema += [
            f"  - name: m{i:03d}",
            "    columns:",
            "      - name: id",
            "        data_tests: [unique]",
        ]
    (folder / "schema.yml").write_text("\n".join(schema) + "\n")
    return "examples/bench_dbt"


def configure(root: Path, project_dir: str, mode: str) -> None:
    platform = root / "config" / "platform.yaml"
    text = platform.read_text()
    text = text.replace("project_dir: examples/dbt", f"project_dir: {project_dir}", 1)
    text = text.replace("profiles_dir: examples/dbt", f"profiles_dir: {project_dir}", 1)
    platform.write_text(text)
    tier = root / "config" / "tiers" / "local.yaml"
    tier.write_text(tier.read_text() + f"\nrelease:\n  dbt: {{publish: {mode}}}\n")


def release(root: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIERFORM_")}
    env.update(CI="1", DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    started = time.perf_counter()
    result = subprocess.run(
        [
            str(root / ".venv" / "bin" / "python"),
            "-m",
            "tierform.release",
            "dbt",
            "--tier",
            "local",
            "--full",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"release failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return elapsed


def measure(label: str, runs: int, generated: tuple[int, int] | None) -> None:
    medians = {}
    for mode in ("in_place", "blue_green"):
        with tempfile.TemporaryDirectory(prefix="tierform-bench-bg-") as tmp:
            root = make_copy(Path(tmp))
            project = generate_project(root, *generated) if generated else "examples/dbt"
            configure(root, project, mode)
            release(root)  # warm-up: the live file exists, as on every release but the first
            times = [release(root) for _ in range(runs)]
            size = (root / ".tierform" / "duckdb" / "local.duckdb").stat().st_size
            medians[mode] = statistics.median(times)
            print(
                f"{label:>24} {mode:>10}: median {medians[mode]:6.2f} s of {runs} "
                f"({', '.join(f'{t:.2f}' for t in times)}); DuckDB file {size / 1e6:.1f} MB"
            )
    extra = medians["blue_green"] - medians["in_place"]
    print(f"{label:>24}      extra: {extra:+.2f} s ({extra / medians['in_place']:+.0%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--models", type=int, default=200)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    measure("example (5 models)", args.runs, None)
    measure(f"generated ({args.models} models)", args.runs, (args.models, args.rows))


if __name__ == "__main__":
    main()
