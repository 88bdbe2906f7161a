"""Turn checkov's report into findings per stack, resource and for_each instance, with the
verdict the tier's severity and the suppressions give them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tierform.policy.catalog import BY_ID, INVENTORY_ID, enforced
from tierform.policy.checkov_run import CheckovReport
from tierform.policy.stacks import StackInfo
from tierform.policy.suppressions import Suppression

Verdict = Literal["fail", "warn", "suppressed"]
_DETAIL = re.compile(r'^\["(?P<key>.+?)"\] (?P<message>.*)$', re.DOTALL)


@dataclass
class Finding:
    stack: str
    check_id: str
    address: str
    instance: str | None
    message: str
    verdict: Verdict
    file: Path
    lines: tuple[int, int]
    reason: str | None = None  # the suppression's reason

    @property
    def target(self) -> str:
        return self.address if self.instance is None else f'{self.address}["{self.instance}"]'


@dataclass
class StackCoverage:
    stack: StackInfo
    scanned: set[str] = field(default_factory=set)
    passed: int = 0

    @property
    def missing(self) -> list[str]:
        return sorted(set(self.stack.declared) - self.scanned)


@dataclass
class Evaluation:
    findings: list[Finding]
    coverage: dict[str, StackCoverage]
    problems: list[str]  # anything that makes the gate unable to vouch for a stack (exit 2)
    notes: list[str]
    stack_problems: dict[str, list[str]] = field(default_factory=dict)


def _stack_for(result: dict[str, Any], by_file: dict[Path, StackInfo]) -> StackInfo | None:
    path = result.get("file_abs_path") or result.get("file_path") or ""
    return by_file.get(Path(path).resolve())


def evaluate(
    report: CheckovReport,
    stacks: list[StackInfo],
    suppressions: list[Suppression],
    today: dt.date | None = None,
) -> Evaluation:
    today = today or dt.date.today()
    by_file = {s.file.resolve(): s for s in stacks}
    coverage = {s.name: StackCoverage(s) for s in stacks}
    problems: list[str] = []
    notes: list[str] = []
    stack_problems: dict[str, list[str]] = {s.name: [] for s in stacks}

    # Which resource each (file, first line) is, from the coverage probe's own records.
    addresses: dict[tuple[str, int], str] = {}
    for result in report.passed:
        stack = _stack_for(result, by_file)
        if stack is None:
            continue
        if result.get("check_id") == INVENTORY_ID:
            address = (result.get("details") or [""])[0]
            coverage[stack.name].scanned.add(address)
            addresses[(stack.name, result["file_line_range"][0])] = address
        else:
            coverage[stack.name].passed += 1

    unreadable = {
        s.file.resolve()
        for s in stacks
        for p in report.parsing_errors
        if str(s.file.resolve()).endswith(str(p).replace("\\", "/").lstrip("/"))
    }
    if report.summary.get("parsing_errors", 0) or report.parsing_errors:
        names = sorted(s.name for s in stacks if s.file.resolve() in unreadable) or ["?"]
        problems.append(
            f"checkov could not parse {report.summary.get('parsing_errors', len(unreadable))} "
            f"file(s) (stacks: {', '.join(names)}): nothing in them was checked"
        )
        for name in names:
            stack_problems.get(name, []).append("checkov could not parse this stack")
    for cov in coverage.values():
        if cov.stack.file.resolve() in unreadable:
            continue
        if cov.missing:
            shown = ", ".join(cov.missing[:5]) + (" …" if len(cov.missing) > 5 else "")
            message = (
                f"stack {cov.stack.name}: checkov did not scan {len(cov.missing)} of "
                f"{len(cov.stack.declared)} resources ({shown})"
            )
            problems.append(message)
            stack_problems[cov.stack.name].append(message)
        elif not cov.stack.declared:
            notes.append(f"stack {cov.stack.name}: no resources, nothing to check")
    for error in report.check_errors:
        problems.append(f"checkov crashed: {error}")
    if stacks and not any(cov.scanned for cov in coverage.values()):
        problems.append("checkov scanned zero resources: the gate cannot vouch for anything")

    findings: list[Finding] = []
    used: set[int] = set()
    for result in report.failed:
        stack = _stack_for(result, by_file)
        if stack is None:
            problems.append(f"checkov reported on an unexpected file: {result.get('file_path')}")
            continue
        check_id = result["check_id"]
        info = BY_ID.get(check_id)
        category = info.category if info else "security"
        start, end = result.get("file_line_range") or [0, 0]
        address = addresses.get((stack.name, start)) or result.get("resource", "?")
        details = result.get("details") or [result.get("check_name", check_id)]
        for detail in details:
            match = _DETAIL.match(detail)
            instance, message = (match["key"], match["message"]) if match else (None, detail)
            verdict: Verdict = "fail" if enforced(stack.kind, category) else "warn"
            reason = None
            for index, entry in enumerate(suppressions):
                if entry.matches(check_id, stack.name, address, instance):
                    if entry.expired(today):
                        notes.append(
                            f"suppression #{index + 1} ({entry.check} {entry.resource}) expired on {entry.expires}"
                        )
                        continue
                    verdict, reason = "suppressed", entry.reason
                    used.add(index)
                    break
            findings.append(
                Finding(stack.name, check_id, address, instance, message, verdict,
                        stack.file, (start, end), reason)
            )  # fmt: skip
    for index, entry in enumerate(suppressions):
        if index not in used and not entry.expired(today):
            notes.append(
                f"suppression #{index + 1} ({entry.check} {entry.resource}) matched nothing: remove it"
            )
    findings.sort(
        key=lambda f: (
            {"fail": 0, "warn": 1, "suppressed": 2}[f.verdict],
            f.stack,
            f.check_id,
            f.target,
        )
    )
    return Evaluation(findings, coverage, problems, notes, stack_problems)
