"""Synth benchmark: wall time and peak memory for the example platform and for a generated
large one (3 tiers × 1,000+ schemas with their grants). Prints figures; asserts nothing.

    .venv/bin/python scripts/bench_synth.py [--schemas-per-tier 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def generate_large_config(target: Path, schemas_per_tier: int) -> None:
    """dev/staging/prod sharing one account, 10 databases of N/10 schemas, 20 roles; and a
    Databricks workspace per tier (N/5 schemas with grants, 20 jobs), so both platforms pay
    for the same provider imports."""
    (target / "tiers").mkdir(parents=True)
    (target / "platform.yaml").write_text(
        yaml.safe_dump({"name": "large", "tiers": ["dev", "staging", "prod"]})
    )
    dbs = 10
    per_db = max(1, schemas_per_tier // dbs)
    databases = {
        f"DB{d:02d}": {
            "schemas": [f"S{s:04d}" for s in range(per_db)],
            "data_retention_time_in_days": 1,
        }
        for d in range(dbs)
    }
    warehouses = {f"WH{w}": {"size": "XSMALL"} for w in range(5)}
    roles = {
        f"ROLE{r:02d}": {
            "databases": {f"DB{(r + i) % dbs:02d}": ["RO", "RW", "OWNER"][i % 3] for i in range(4)},
            "warehouses": [f"WH{r % 5}"],
        }
        for r in range(20)
    }
    users = {f"SVC{u}": {"role": f"ROLE{u:02d}", "warehouse": "WH0"} for u in range(5)}
    prod = {
        "kind": "prod",
        "snowflake": {
            "connection": {"organization_name": "ORG", "account_name": "ACCT"},
            "databases": databases,
            "warehouses": warehouses,
            "resource_monitor": {"credit_quota": 100},
            "roles": roles,
            "service_users": users,
        },
    }
    prod["databricks"] = large_databricks(target.parent, schemas=per_db * 2, jobs=20)
    (target / "tiers" / "prod.yaml").write_text(yaml.safe_dump(prod))
    (target / "tiers" / "staging.yaml").write_text(
        yaml.safe_dump({"kind": "staging", "extends": "prod"})
    )
    (target / "tiers" / "dev.yaml").write_text(
        yaml.safe_dump({"kind": "dev", "extends": "staging"})
    )


def large_databricks(repo: Path, *, schemas: int, jobs: int) -> dict:
    """A catalog of `schemas` schemas with grants, 5 policies and warehouses, `jobs` jobs of
    3 notebook tasks each. The notebook is written under `repo` (config/'s parent), where
    validation looks for it."""
    (repo / "notebooks").mkdir(parents=True, exist_ok=True)
    (repo / "notebooks" / "task.py").write_text("# Databricks notebook source\n")
    groups = [f"group-{g}" for g in range(5)]
    return {
        "workspace": {"host": "https://bench.cloud.databricks.com"},
        "git": {"url": "https://example.com/repo.git", "provider": "gitHub", "tag": "v1.0.0"},
        "groups": groups,
        "service_principal": {"name": "DEPLOYER"},
        "catalog": {
            "name": "LAKE",
            "access": {"group-0": "OWNER", "DEPLOYER": "OWNER"},
            "schemas": {
                f"S{s:04d}": {"access": {groups[1 + s % 4]: ["RO", "RW"][s % 2]}}
                for s in range(schemas)
            },
        },
        "cluster_policies": {
            f"P{p}": {"node_types": ["m5d.large"], "max_workers": 4, "access": groups[:2]}
            for p in range(5)
        },
        "sql_warehouses": {f"W{w}": {"access": {"group-1": "CAN_USE"}} for w in range(5)},
        "jobs": {
            f"J{j:03d}": {
                "cluster": {"policy": f"P{j % 5}", "node_type": "m5d.large"},
                "tasks": {f"T{t}": {"notebook": "notebooks/task"} for t in range(3)},
            }
            for j in range(jobs)
        },
    }


def synth_once(config: Path, outdir: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the largest process: python or jsii's node)."""
    env = dict(
        os.environ,
        TIERFORM_CONFIG=str(config),
        CDKTF_OUTDIR=str(outdir),
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        CHECKPOINT_DISABLE="1",
    )
    env.pop("TIERFORM_TIERS", None)
    code = (
        "import resource, subprocess, sys\n"
        f"r = subprocess.run([sys.executable, {str(REPO / 'main.py')!r}], capture_output=True)\n"
        "sys.stderr.buffer.write(r.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(r.returncode)\n"
    )
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"synth failed:\n{result.stderr}")
    return seconds, int(result.stdout.strip()) / 1024


def instances(outdir: Path) -> int:
    from tierform.synth import count_resources

    return sum(
        sum(count_resources(json.loads(p.read_text())).values())
        for p in (outdir / "stacks").glob("*/cdk.tf.json")
    )


def measure(label: str, config: Path, runs: int) -> float:
    times, peaks = [], []
    with tempfile.TemporaryDirectory() as tmp:
        outdir = Path(tmp) / "cdktf.out"
        for _ in range(runs):
            seconds, peak = synth_once(config, outdir)
            times.append(seconds)
            peaks.append(peak)
        count = instances(outdir)
        size = sum(p.stat().st_size for p in outdir.rglob("*.json")) / 1e6
    median = statistics.median(times)
    print(
        f"{label:<10} {count:>7} resource instances  median {median:5.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}, {runs} runs)  "
        f"peak RSS {max(peaks):6.0f} MB  output {size:.1f} MB"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemas-per-tier", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores; wall time of `python main.py` per run"
    )
    example = measure("example", REPO / "config", args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config"
        generate_large_config(config, args.schemas_per_tier)
        large = measure("large", config, args.runs)
        shutil.rmtree(config)
    print(f"large / example = {large / example:.2f}x (target < 1.5x)")


if __name__ == "__main__":
    main()
