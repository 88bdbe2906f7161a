"""What the gate shows and writes: a table on the terminal, SARIF and JUnit XML files."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.table import Table

from tierform.policy.catalog import BY_ID
from tierform.policy.findings import Evaluation, Finding
from tierform.policy.plan_guard import PlanFinding

T = TypeVar("T")
_STYLE = {"fail": "bold red", "warn": "yellow", "suppressed": "dim"}
_RANK = {"fail": 0, "warn": 1, "suppressed": 2}
# Findings printed on the terminal per stack, each kind (checks, plan guard): a check
# failing on a 50,000-instance map or a plan deleting it would print 50,000 rows (two
# thirds of the gate's time, a log nobody reads). Per stack, so one tier's thousands never
# hide another tier's one. Every finding is in the result files.
MAX_SHOWN = 100


def _split(items: list[T], stack_of: Callable[[T], str | None]) -> tuple[list[T], list[T]]:
    """(shown, hidden): the first MAX_SHOWN of each stack, in order, and the rest."""
    seen: dict[str | None, int] = {}
    shown, hidden = [], []
    for item in items:
        stack = stack_of(item)
        seen[stack] = seen.get(stack, 0) + 1
        (shown if seen[stack] <= MAX_SHOWN else hidden).append(item)
    return shown, hidden


def _shown(path: Path) -> str:
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def _more(hidden: list[tuple[str, str | None]], results: Path | None) -> str:
    """`… and N more (CHECK in STACK ×n, …)`: what the terminal left out, and where it is."""
    counts = Counter((check, stack or "an unknown stack") for check, stack in hidden)
    by_check = ", ".join(
        f"{check} in {stack} ×{n:,}" for (check, stack), n in sorted(counts.items())
    )
    where = f"{_shown(results)}/" if results is not None else ""
    return (
        f"… and {len(hidden):,} more ({by_check}); every finding is in {where}policy.json, "
        "policy.sarif and policy.junit.xml"
    )


def print_report(
    evaluation: Evaluation,
    console: Console,
    plan_findings: list[PlanFinding],
    results: Path | None = None,
) -> None:
    stacks = Table(title="Policy gate: stacks", title_justify="left")
    stacks.add_column("stack", no_wrap=True)
    stacks.add_column("kind", no_wrap=True)
    for column in ("instances", "blocks", "scanned", "passed", "failed", "warn", "suppr."):
        stacks.add_column(column, justify="right")
    for name, cov in evaluation.coverage.items():
        mine = [f for f in evaluation.findings if f.stack == name]
        count = {v: sum(1 for f in mine if f.verdict == v) for v in ("fail", "warn", "suppressed")}
        kind = cov.stack.kind + ("*" if cov.stack.protected else "")
        kind += "" if cov.stack.source == "config" else "?"
        stacks.add_row(
            name, kind, str(cov.stack.instances), str(len(cov.stack.declared)),
            str(len(cov.scanned)), str(cov.passed), str(count["fail"]), str(count["warn"]),
            str(count["suppressed"]),
        )  # fmt: skip
    console.print(stacks)
    console.print("[dim]* protected tier; ? kind guessed from the stack name (no config entry)[/]")
    if evaluation.findings:
        table = Table(title="Findings", title_justify="left", show_lines=False)
        for column in ("verdict", "check", "stack", "resource"):
            table.add_column(column, no_wrap=True)
        table.add_column("problem", overflow="fold", ratio=1)
        ordered = sorted(evaluation.findings, key=lambda f: _RANK[f.verdict])
        shown, hidden = _split(ordered, lambda f: f.stack)
        for f in shown:
            problem = (
                f.message if f.verdict != "suppressed" else f"{f.message} (suppressed: {f.reason})"
            )
            table.add_row(
                f"[{_STYLE[f.verdict]}]{f.verdict.upper()}[/]",
                f.check_id,
                f.stack,
                f.target,
                problem,
            )
        console.print(table)
        if hidden:
            keys = [(f"{f.check_id} {f.verdict}", f.stack) for f in hidden]
            console.print(_more(keys, results), highlight=False)
    shown_plan, hidden_plan = _split(plan_findings, lambda p: p.stack)
    for p in shown_plan:
        console.print(f"[bold red]PLAN {PLAN_RULE}[/] {p.message}", highlight=False)
    if hidden_plan:
        console.print(_more([(PLAN_RULE, p.stack) for p in hidden_plan], results), highlight=False)
    for note in evaluation.notes:
        console.print(f"[dim]note:[/] {note}")
    for problem in evaluation.problems:
        console.print(f"[bold red]ERROR[/] {problem}")


PLAN_RULE = "TIERFORM_PLAN_001"
PLAN_REASON = "No delete or replace of a data store (Snowflake database/schema, Databricks catalog/schema, S3 DAG bucket, MWAA environment, Astronomer deployment) in a protected tier."


def write_sarif(
    evaluation: Evaluation, path: Path, checkov_version: str, plan_findings: list[PlanFinding]
) -> None:
    used = sorted({f.check_id for f in evaluation.findings})
    rules = []
    for check_id in used:
        info = BY_ID.get(check_id)
        text = info.reason if info else check_id
        rules.append({
            "id": check_id,
            "shortDescription": {"text": text},
            "properties": {"category": info.category if info else "security"},
        })  # fmt: skip
    if plan_findings:
        rules.append({"id": PLAN_RULE, "shortDescription": {"text": PLAN_REASON},
                      "properties": {"category": "security"}})  # fmt: skip
    results = [
        {
            "ruleId": PLAN_RULE,
            "level": "error",
            "message": {"text": p.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _shown(p.plan)}}}],
        }
        for p in plan_findings
    ]
    for f in evaluation.findings:
        result = {
            "ruleId": f.check_id,
            "level": "error" if f.verdict == "fail" else "warning",
            "message": {"text": f"{f.stack}: {f.target}: {f.message}"},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": _shown(f.file)},
                    "region": {"startLine": max(f.lines[0], 1), "endLine": max(f.lines[1], 1)},
                },
                "logicalLocations": [{"fullyQualifiedName": f"{f.stack}/{f.target}"}],
            }],
        }  # fmt: skip
        if f.verdict == "suppressed":
            result["suppressions"] = [{"kind": "external", "justification": f.reason or ""}]
        results.append(result)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "tierform-policy",
                "informationUri": "https://github.com/bridgecrewio/checkov",
                "version": checkov_version,
                "rules": rules,
            }},
            "results": results,
        }],
    }  # fmt: skip
    path.write_text(json.dumps(sarif, indent=2) + "\n", encoding="utf-8")


def write_junit(evaluation: Evaluation, path: Path, plan_findings: list[PlanFinding]) -> None:
    suites = ET.Element("testsuites", name="tierform-policy")
    if plan_findings:
        suite = ET.SubElement(suites, "testsuite", name="plans", tests=str(len(plan_findings)))
        suite.set("failures", str(len(plan_findings)))
        for p in plan_findings:
            case = ET.SubElement(suite, "testcase", classname=f"plan.{PLAN_RULE}", name=p.address)
            ET.SubElement(case, "failure", message=p.message, type=PLAN_RULE)
    for name, cov in evaluation.coverage.items():
        mine: list[Finding] = [f for f in evaluation.findings if f.stack == name]
        suite = ET.SubElement(suites, "testsuite", name=name)
        cases = 0
        for problem in evaluation.stack_problems.get(name, []):
            case = ET.SubElement(suite, "testcase", classname=name, name="coverage")
            ET.SubElement(case, "error", message=problem)
            cases += 1
        for f in mine:
            case = ET.SubElement(suite, "testcase", classname=f"{name}.{f.check_id}", name=f.target)
            cases += 1
            if f.verdict == "fail":
                ET.SubElement(case, "failure", message=f.message, type=f.check_id)
            elif f.verdict == "suppressed":
                ET.SubElement(case, "skipped", message=f"suppressed: {f.reason}")
            else:
                ET.SubElement(case, "system-out").text = f"warning: {f.message}"
        if not mine and not cases:
            ET.SubElement(suite, "testcase", classname=name, name=f"{cov.passed} checks passed")
            cases = 1
        suite.set("tests", str(cases))
        suite.set("failures", str(sum(1 for f in mine if f.verdict == "fail")))
        suite.set("skipped", str(sum(1 for f in mine if f.verdict == "suppressed")))
    ET.indent(suites)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)


def write_json(evaluation: Evaluation, path: Path, plan_findings: list[PlanFinding]) -> None:
    """The gate's own verdicts, machine-readable (what the table shows)."""
    data = {
        "stacks": {
            name: {
                "kind": cov.stack.kind,
                "protected": cov.stack.protected,
                "resources": len(cov.stack.declared),
                "scanned": len(cov.scanned),
                "passed": cov.passed,
            }
            for name, cov in evaluation.coverage.items()
        },
        "findings": [
            {
                "verdict": f.verdict,
                "check": f.check_id,
                "stack": f.stack,
                "resource": f.target,
                "message": f.message,
                "reason": f.reason,
            }
            for f in evaluation.findings
        ],
        "plan": [p.message for p in plan_findings],
        "problems": evaluation.problems,
        "notes": evaluation.notes,
    }
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
