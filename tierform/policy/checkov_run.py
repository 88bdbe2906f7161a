"""Run checkov (in its own virtualenv) over the stacks and return its raw report.

checkov cannot share a virtualenv with apache-airflow 3, so it runs as a subprocess:
`.venv-checkov/bin/checkov` by default, or whatever TIERFORM_CHECKOV names.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tierform.policy.catalog import checkov_check_ids

CHECKOV_VARIABLE = "TIERFORM_CHECKOV"
CONTEXT_VARIABLE = "TIERFORM_POLICY_CONTEXT"  # read by checkov_checks/tierform_checklib.py
CHECKS_DIR = Path(__file__).parent / "checkov_checks"
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]


TIMEOUT_VARIABLE = "TIERFORM_CHECKOV_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 900.0


def checkov_timeout() -> float:
    """Seconds checkov may run: $TIERFORM_CHECKOV_TIMEOUT, else 900."""
    raw = os.environ.get(TIMEOUT_VARIABLE, "")
    try:
        value = float(raw) if raw.strip() else DEFAULT_TIMEOUT_SECONDS
    except ValueError:
        return DEFAULT_TIMEOUT_SECONDS
    return value if value > 0 else DEFAULT_TIMEOUT_SECONDS


class CheckovUnavailable(Exception):
    """checkov could not be found or did not produce a report."""


@dataclass(frozen=True)
class CheckovReport:
    summary: dict[str, Any]
    passed: list[dict[str, Any]]
    failed: list[dict[str, Any]]
    parsing_errors: list[str]
    raw: Any
    stderr: str

    @property
    def check_errors(self) -> list[str]:
        """checkov's "Failed to run check X on file:resource" lines: a check that crashed
        on a resource reports nothing for it (seen with cdktf `dynamic` blocks)."""
        found = []
        for line in self.stderr.splitlines():
            if "Failed to run check" in line:
                found.append(line[line.index("Failed to run check") :].strip())
        return list(dict.fromkeys(found))


def checkov_executable() -> str:
    configured = os.environ.get(CHECKOV_VARIABLE)
    if configured:
        return configured
    for root in (Path.cwd(), _PACKAGE_ROOT):
        candidate = root / ".venv-checkov" / "bin" / "checkov"
        if candidate.exists():
            return str(candidate)
    found = shutil.which("checkov")
    if found:
        return found
    raise CheckovUnavailable(
        "checkov not found: run `make setup` (creates .venv-checkov) or set "
        f"{CHECKOV_VARIABLE} to the checkov executable"
    )


JOBS_VARIABLE = "TIERFORM_POLICY_JOBS"
# One checkov process reads at most about this much stack JSON (a stack is never split):
# a process's memory grows with its input, and each process pays checkov's ~3 s import.
GROUP_BYTES = 6_000_000


def policy_jobs() -> int:
    """checkov processes run at once: $TIERFORM_POLICY_JOBS, else the usable cores."""
    raw = os.environ.get(JOBS_VARIABLE, "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def group_files(files: list[Path], jobs: int) -> list[list[Path]]:
    """Stacks split over checkov runs: at least `jobs` runs (when there are that many
    stacks), more when the output is large, balanced by file size (largest first into the
    lightest run). Each stack stays whole in one run: checkov's graph is per file anyway."""
    if not files:
        return []
    sizes = {f: _size(f) for f in files}
    wanted = max(jobs, -(-sum(sizes.values()) // GROUP_BYTES))
    groups: list[list[Path]] = [[] for _ in range(min(len(files), wanted))]
    loads = [0] * len(groups)
    for file in sorted(files, key=lambda f: (-sizes[f], str(f))):
        lightest = loads.index(min(loads))
        groups[lightest].append(file)
        loads[lightest] += sizes[file]
    return [sorted(g) for g in groups if g]


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0


def run_checkov(files: list[Path], context: dict[str, Any]) -> CheckovReport:
    """checkov over the stack files, in parallel runs (see group_files), as one report.

    Per-stack runs keep each process's memory to its own stacks and use every core; the
    merged report has the same records a single run over all the files gives.
    """
    groups = group_files(files, policy_jobs())
    if len(groups) <= 1:
        return _run_group(files, context)
    with ThreadPoolExecutor(max_workers=min(len(groups), policy_jobs())) as pool:
        reports = list(pool.map(lambda group: _run_group(group, context), groups))
    return merge_reports(reports)


def merge_reports(reports: list[CheckovReport]) -> CheckovReport:
    """Several runs' reports as one, shaped as checkov's own terraform_json report."""
    summary: dict[str, Any] = {}
    for report in reports:
        for key, value in report.summary.items():
            if isinstance(value, int) and not isinstance(value, bool):
                summary[key] = summary.get(key, 0) + value
            else:
                summary.setdefault(key, value)
    passed = [r for report in reports for r in report.passed]
    failed = [r for report in reports for r in report.failed]
    parsing_errors = [e for report in reports for e in report.parsing_errors]
    skipped = [r for report in reports for r in _skipped(report.raw)]
    raw = {
        "check_type": "terraform_json",
        "results": {
            "passed_checks": passed,
            "failed_checks": failed,
            "skipped_checks": skipped,
            "parsing_errors": parsing_errors,
        },
        "summary": summary,
    }
    stderr = "".join(report.stderr for report in reports)
    return CheckovReport(summary, passed, failed, parsing_errors, raw, stderr)


def _skipped(raw: Any) -> list[dict[str, Any]]:
    for report in raw if isinstance(raw, list) else [raw]:
        if isinstance(report, dict) and report.get("check_type") == "terraform_json":
            skipped = report.get("results", {}).get("skipped_checks", [])
            return skipped if isinstance(skipped, list) else []
    return []


def _run_group(files: list[Path], context: dict[str, Any]) -> CheckovReport:
    checks = checkov_check_ids()
    command = [
        checkov_executable(),
        *(arg for f in files for arg in ("-f", str(f))),
        "--framework",
        "terraform_json",
        "--skip-download",
        "--external-checks-dir",
        str(CHECKS_DIR),
        "--check",
        ",".join(checks),
        "--compact",
        "-o",
        "json",
    ]
    env = dict(os.environ)
    # `checks` tells checkov_checks/tierform_graph_scope.py which graph checks will run.
    env[CONTEXT_VARIABLE] = json.dumps({**context, "checks": checks})
    env.setdefault("LOG_LEVEL", "WARNING")
    try:
        proc = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=checkov_timeout()
        )
    except OSError as exc:
        raise CheckovUnavailable(f"cannot run checkov ({command[0]}): {exc}") from None
    except subprocess.TimeoutExpired as exc:
        # Fail closed and say so: an unfinished gate vouches for nothing (exit 2, not 1).
        raise CheckovUnavailable(
            f"checkov did not finish within {exc.timeout:g} s ({TIMEOUT_VARIABLE} sets the "
            "limit); split the stacks or profile the checks"
        ) from None
    # checkov exits 1 when a check failed; anything else (or no JSON) is a broken run.
    if proc.returncode not in (0, 1):
        raise CheckovUnavailable(
            f"checkov exited {proc.returncode}: {_last_lines(proc.stderr or proc.stdout)}"
        )
    broken = [line for line in proc.stderr.splitlines() if "Cannot load external check" in line]
    if broken:
        raise CheckovUnavailable(f"checkov could not load our checks: {broken[0]}")
    try:
        raw = json.loads(proc.stdout)
    except ValueError:
        raise CheckovUnavailable(
            f"checkov printed no JSON report: {_last_lines(proc.stderr or proc.stdout)}"
        ) from None
    reports = [r for r in (raw if isinstance(raw, list) else [raw]) if isinstance(r, dict)]
    report = next((r for r in reports if r.get("check_type") == "terraform_json"), None)
    if report is None:
        # No terraform_json report at all: checkov found nothing it could read.
        summary = next((r for r in reports if "parsing_errors" in r), {"parsing_errors": 0})
        return CheckovReport(summary, [], [], [], raw, proc.stderr)
    results = report.get("results", {})
    if not isinstance(results, dict) or not all(
        isinstance(results.get(k, []), list)
        and all(isinstance(i, dict) for i in results.get(k, []))
        for k in ("passed_checks", "failed_checks")
    ):
        raise CheckovUnavailable("checkov's JSON report has an unexpected shape (results)")
    return CheckovReport(
        summary=report.get("summary", {}),
        passed=results.get("passed_checks", []),
        failed=results.get("failed_checks", []),
        parsing_errors=list(results.get("parsing_errors", [])),
        raw=raw,
        stderr=proc.stderr,
    )


def _last_lines(text: str, n: int = 5) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-n:]) or "(no output)"
