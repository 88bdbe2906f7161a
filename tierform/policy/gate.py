"""The policy gate: checkov over an existing cdktf output, judged per tier, fail-closed.

Exit codes: 0 pass; 1 a check failed at the tier's severity or a plan destroys protected
data; 2 bad usage, bad suppressions, or a stack checkov could not read (or did not scan).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from tierform.config import EXIT_BAD_INPUT, ConfigError, load_platform
from tierform.policy.catalog import CHECKS
from tierform.policy.checkov_run import CheckovUnavailable, run_checkov
from tierform.policy.findings import evaluate
from tierform.policy.plan_guard import BadPlan, check_plans, parse_plan_argument
from tierform.policy.report import print_report, write_json, write_junit, write_sarif
from tierform.policy.stacks import UnreadableStack, discover
from tierform.policy.suppressions import FILE_NAME, load_suppressions

EXIT_PASS, EXIT_FAILED = 0, 1
# Per-kind limits the tier-aware checks apply (also the defaults inside checkov_checks/).
LIMITS = {
    "snowflake_auto_suspend_max_seconds": {"prod": 600, "staging": 60, "dev": 60, "local": 60},
    "databricks_auto_stop_max_minutes": {"prod": 60, "staging": 30, "dev": 10, "local": 10},
}


@dataclass(frozen=True)
class GateOptions:
    outdir: Path
    config: Path | None
    results: Path
    plans: tuple[str, ...] = ()
    suppressions: Path | None = None


def _fail(console: Console, message: str) -> int:
    console.print(f"[bold red]policy:[/] {message}", highlight=False)
    return EXIT_BAD_INPUT


def run_gate(options: GateOptions, console: Console | None = None) -> int:
    # CI logs are not terminals: give the tables room instead of rich's 80-column default.
    wide = sys.stdout.isatty() or "COLUMNS" in os.environ
    console = console or Console(width=None if wide else 160)
    err = Console(stderr=True, soft_wrap=True)
    platform = None
    if options.config is not None and (options.config / "platform.yaml").exists():
        try:
            platform = load_platform(options.config)
        except ConfigError as exc:
            return _fail(err, str(exc))
    elif options.config is not None and options.config != Path("config"):
        return _fail(err, f"{options.config}: no platform.yaml there")
    suppressions_file = options.suppressions or (options.config or Path("config")) / FILE_NAME
    try:
        suppressions = load_suppressions(suppressions_file)
    except ConfigError as exc:
        return _fail(err, str(exc))
    if not (options.outdir / "stacks").is_dir():
        return _fail(err, f"{options.outdir}: no stacks/ folder (run `make synth` first)")
    try:
        stacks = discover(options.outdir, platform)
    except UnreadableStack as exc:
        return _fail(err, str(exc))
    if not stacks:
        return _fail(err, f"{options.outdir}/stacks: no cdk.tf.json found")
    plans = [parse_plan_argument(p) for p in options.plans]
    missing_plans = [str(p.path) for p in plans if not p.path.is_file()]
    if missing_plans:
        return _fail(err, f"plan file not found: {', '.join(missing_plans)}")

    context = {
        "stacks": {s.name: {"kind": s.kind, "protected": s.protected} for s in stacks},
        "limits": LIMITS,
    }
    try:
        report = run_checkov([s.file for s in stacks], context)
    except CheckovUnavailable as exc:
        return _fail(err, str(exc))
    evaluation = evaluate(report, stacks, suppressions)
    try:
        plan_findings = check_plans(plans, {s.name: s.protected for s in stacks})
    except BadPlan as exc:
        return _fail(err, str(exc))

    options.results.mkdir(parents=True, exist_ok=True)
    version = str(report.summary.get("checkov_version", "?"))
    write_sarif(evaluation, options.results / "policy.sarif", version, plan_findings)
    write_junit(evaluation, options.results / "policy.junit.xml", plan_findings)
    write_json(evaluation, options.results / "policy.json", plan_findings)
    (options.results / "checkov.json").write_text(json.dumps(report.raw, indent=1), "utf-8")
    print_report(evaluation, console, plan_findings, options.results)

    failed = sum(1 for f in evaluation.findings if f.verdict == "fail") + len(plan_findings)
    warned = sum(1 for f in evaluation.findings if f.verdict == "warn")
    if evaluation.problems:
        console.print(
            f"policy: cannot vouch for this output ({len(evaluation.problems)} problem(s)); exit 2"
        )
        return EXIT_BAD_INPUT
    verdict = "FAILED" if failed else "passed"
    console.print(
        f"policy: {verdict}: {len(stacks)} stack(s), {len(CHECKS)} checks, {failed} failure(s), "
        f"{warned} warning(s); results in {options.results}"
    )
    return EXIT_FAILED if failed else EXIT_PASS
