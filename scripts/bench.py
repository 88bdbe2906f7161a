"""`make bench`: synth, policy gate, config validation and plan-summary at platform sizes
from the example to ~50,000 resource instances. Prints figures; asserts nothing.

    .venv/bin/python scripts/bench.py [--sizes example,1k,5k,15k,50k] [--keep DIR]
    BENCH_SIZES=example,1k make bench
    .venv/bin/python scripts/bench.py --repeat 5      # floor/synth pairs per size ($BENCH_REPEAT)

Per size, each a fresh process measured by scripts/bench_measure.py (wall, CPU of the
process and everything it waited for, peak RSS summed over its process tree):
- floor: importing what the synth imports (tierform, cdktf, the Snowflake and Databricks
  provider submodules Tierform uses and our constructs), measured in the same run as the synth;
- package floor: importing cdktf and the two provider packages whole (`import
  cdktf_cdktf_provider_databricks` runs every one of its submodules), the floor as issue 16
  measured it before Tierform imported the packages a submodule at a time;
- synth: `python main.py` (validation, constructs, guardrails, jsii, writing, summary);
- gate: `python -m tierform policy` on that output (checkov included);
- validate: `python -m tierform validate`, and the config load alone inside it;
- plan-summary: `python -m tierform plan-summary` on a generated plan JSON with as many
  changes as the platform has instances (1% destroys/replaces, 10% updates).
Ratios: synth / floor, synth / package floor, and the gate's wall and CPU per 1,000 instances. The floor and the
synth run as --repeat pairs (default 3), one right after the other: single runs vary by a
second or more on a shared 2-core machine, so the row shows the median run of each and the
median of the pairs' CPU ratios, with their range.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_measure import Measured, run
from bench_platforms import SIZES, generate_config, generate_plan

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
# The synth runs with Python's cyclic GC paused (tierform/synth.py), imports included, and
# skips the collections of interpreter shutdown (tierform/guard.py), so the floor imports and
# exits the same way: the ratio then counts only the work above the imports.
FLOOR = (
    "import gc; gc.disable(); import tierform.config, tierform.stacks.app, tierform.constructs.snowflake, "
    "tierform.constructs.databricks, tierform.constructs.airflow, tierform.constructs.release; "
    "from tierform.guard import skip_exit_collection; skip_exit_collection()"
)
PACKAGE_FLOOR = (
    "import gc; gc.disable(); import cdktf, cdktf_cdktf_provider_snowflake, "
    "cdktf_cdktf_provider_databricks; "
    "from tierform.guard import skip_exit_collection; skip_exit_collection()"
)
LOAD_ONLY = (
    "import sys, time; from pathlib import Path; from tierform.config import load_platform; "
    "t = time.process_time(); load_platform(Path(sys.argv[1])); "
    "print(f'{time.process_time() - t:.3f}')"
)


@dataclass
class Row:
    label: str
    instances: int
    floor: Measured
    synth: Measured
    gate: Measured
    validate: Measured
    load_cpu: float
    summary: Measured
    summary_chars: int
    ratios: list[float]  # synth / floor CPU of each pair
    package_floor: Measured
    package_ratios: list[float]  # synth / package floor CPU of each pair


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TIERFORM_TIERS", None)
    env.update(
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        CHECKPOINT_DISABLE="1",
        PYTHONPATH=str(REPO),
        **extra,
    )
    return env


def _checked(what: str, measured: Measured, ok: tuple[int, ...] = (0,)) -> Measured:
    if measured.returncode not in ok:
        sys.exit(f"bench: {what} exited {measured.returncode}:\n{measured.stderr[-3000:]}")
    return measured


def instances(outdir: Path) -> int:
    from tierform.synth import count_resources

    return sum(
        sum(count_resources(json.loads(p.read_text())).values())
        for p in (outdir / "stacks").glob("*/cdk.tf.json")
    )


def _median_run(runs: list[Measured]) -> Measured:
    return sorted(runs, key=lambda m: m.cpu)[len(runs) // 2]


def bench_size(label: str, work: Path, repeat: int = 3) -> Row:
    if label == "example":
        config = REPO / "config"
    else:
        config = work / "config"
        generate_config(config, SIZES[label])
    outdir = work / "cdktf.out"
    env = environment(TIERFORM_CONFIG=str(config), CDKTF_OUTDIR=str(outdir))
    floors, package_floors, synths = [], [], []
    for _ in range(repeat):
        package_floors.append(
            _checked("package floor", run([PY, "-c", PACKAGE_FLOOR], env=env, cwd=str(REPO)))
        )
        floors.append(_checked("import floor", run([PY, "-c", FLOOR], env=env, cwd=str(REPO))))
        synths.append(_checked("synth", run([PY, str(REPO / "main.py")], env=env, cwd=str(REPO))))
    ratios = [s.cpu / f.cpu for f, s in zip(floors, synths, strict=True)]
    package_ratios = [s.cpu / f.cpu for f, s in zip(package_floors, synths, strict=True)]
    floor, synth = _median_run(floors), _median_run(synths)
    count = instances(outdir)
    gate = _checked(
        "gate",
        run(
            [PY, "-m", "tierform", "policy", "--outdir", str(outdir), "--config", str(config),
             "--results", str(work / "policy")],
            env=env, cwd=str(REPO),
        ),
        ok=(0, 1),
    )  # fmt: skip
    validate = _checked(
        "validate", run([PY, "-m", "tierform", "validate", "--config", str(config)], env=env)
    )
    load = _checked("config load", run([PY, "-c", LOAD_ONLY, str(config)], env=env))
    plan = work / "prod.plan.json"
    generate_plan(plan, count)
    summary = _checked(
        "plan-summary",
        run(
            [PY, "-m", "tierform", "plan-summary", "--plan", f"prod={plan}",
             "--config", str(work / "no-config"), "--output", str(work / "summary.md")],
            env=env, cwd=str(work),
        ),
    )  # fmt: skip
    chars = len((work / "summary.md").read_text(encoding="utf-8"))
    return Row(
        label, count, floor, synth, gate, validate, float(load.stdout), summary, chars, ratios,
        _median_run(package_floors), package_ratios,
    )  # fmt: skip


def print_row(r: Row) -> None:
    per_k = max(r.instances, 1) / 1000
    print(
        f"{r.label:<8} {r.instances:>7,}  "
        f"floor {r.floor.wall:5.1f}s/{r.floor.cpu:5.1f}s  "
        f"synth {r.synth.wall:5.1f}s/{r.synth.cpu:5.1f}s {r.synth.peak_mb:5.0f}MB "
        f"({statistics.median(r.ratios):4.2f}x floor CPU, {len(r.ratios)} pairs "
        f"{min(r.ratios):4.2f}-{max(r.ratios):4.2f}x; "
        f"package floor {r.package_floor.wall:4.1f}s/{r.package_floor.cpu:4.1f}s, "
        f"{statistics.median(r.package_ratios):4.2f}x "
        f"{min(r.package_ratios):4.2f}-{max(r.package_ratios):4.2f}x)  "
        f"gate {r.gate.wall:6.1f}s/{r.gate.cpu:6.1f}s {r.gate.peak_mb:5.0f}MB "
        f"({r.gate.wall / per_k:5.2f}s/{r.gate.cpu / per_k:5.2f}s per 1k)  "
        f"validate {r.validate.wall:4.1f}s/{r.validate.cpu:4.1f}s (load {r.load_cpu:4.2f}s)  "
        f"plan-summary {r.summary.wall:4.1f}s/{r.summary.cpu:4.1f}s {r.summary_chars:,} chars",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=os.environ.get("BENCH_SIZES") or ",".join(["example", *SIZES]),
        help="comma list of example and/or " + ", ".join(SIZES) + " ($BENCH_SIZES)",
    )
    parser.add_argument("--keep", type=Path, help="keep each size's files under this folder")
    parser.add_argument(
        "--repeat",
        type=int,
        default=os.environ.get("BENCH_REPEAT") or "3",  # argparse converts (and refuses)
        help="floor/synth pairs per size; medians are shown ($BENCH_REPEAT, default 3)",
    )
    args = parser.parse_args()
    if args.repeat < 1:
        sys.exit("bench: --repeat must be at least 1")
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s != "example" and s not in SIZES]
    if unknown:
        sys.exit(f"bench: unknown size(s) {', '.join(unknown)}; known: example, {', '.join(SIZES)}")
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}; figures are wall/CPU seconds, peak RSS of the process tree"
    )
    rows = []
    for label in sizes:
        root = Path(tempfile.mkdtemp(prefix=f"tierform-bench-{label}-"))
        try:
            rows.append(bench_size(label, root, args.repeat))
            print_row(rows[-1])
        finally:
            if args.keep:
                shutil.copytree(root, args.keep / label, dirs_exist_ok=True)
            shutil.rmtree(root, ignore_errors=True)
    generated = [r for r in rows if r.label != "example"]
    if len(generated) > 1:
        first, last = generated[0], generated[-1]
        growth = (last.gate.cpu / last.instances) / (first.gate.cpu / first.instances)
        print(
            f"gate CPU per instance, {last.label} vs {first.label}: {growth:.2f}x "
            "(1.0 = linear; includes checkov's fixed import cost per process)"
        )


if __name__ == "__main__":
    main()
