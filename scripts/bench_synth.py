"""Synth-only benchmark (`make bench` runs scripts/bench.py, which covers more): wall time and peak memory for the example platform and for a generated
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

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))


def generate_large_config(target: Path, schemas_per_tier: int) -> None:
    """The generated platform of scripts/bench_platforms.py (one generator for every bench)."""
    from bench_platforms import generate_config

    generate_config(target, schemas_per_tier)


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
