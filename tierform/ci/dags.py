"""The DAG part of `ci run`: the release gate's own check (tierform/release/dag_check.py),
so a DAG CI passes is a DAG the release accepts."""

from __future__ import annotations

from pathlib import Path

from tierform.ci.result import Annotation, CheckOutcome
from tierform.gitops.markdown import cell, code

CHECK = "dags"


def _run_check(root: Path, folder: Path):
    # The one call of the shared check: its options (tier rules, time budget) go here.
    from tierform.release.dag_check import check_dags

    return check_dags(root, folder, {})


def check_dag_folder(root: Path, folder: str | None) -> CheckOutcome:
    if folder is None:
        return CheckOutcome(CHECK, "skip", "no DAGs folder (release.dags)", "No DAGs to check.")
    result = _run_check(root, root / folder)
    if result.ok:
        summary = f"{len(result.dags)} DAG(s) parsed and checked, no error"
        return CheckOutcome(CHECK, "pass", summary, summary + ".")
    annotations = []
    rows = ["| file | error |", "|---|---|"]
    for line, (file, _) in zip(result.error_lines(), sorted(result.errors.items()), strict=True):
        reason = line.split(": ", 1)[1] if ": " in line else line
        annotations.append(Annotation(f"{folder}/{file}", None, reason))
        rows.append(f"| {code(f'{folder}/{file}')} | {cell(reason)} |")
    summary = f"{len(result.errors)} DAG file(s) refused, {len(result.dags)} DAG(s) fine"
    return CheckOutcome(CHECK, "fail", summary, "\n".join(rows), tuple(annotations))
