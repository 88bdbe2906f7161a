"""The DAG part of `ci run`: the release gate's own check (tierform/release/dag_check.py),
so a DAG CI passes is a DAG the release accepts."""

from __future__ import annotations

from pathlib import Path

from tierform.ci.result import Annotation, CheckOutcome
from tierform.gitops.markdown import cell, code

CHECK = "dags"


def _run_check(root: Path, folder: Path, checks, airflow_major: int | None):
    # The one call of the shared check, with the target tier's rules, time budget and
    # Airflow version: CI refuses exactly what that tier's release gate would refuse.
    from tierform.release.dag_check import check_dags

    return check_dags(root, folder, {}, checks=checks, airflow_major=airflow_major)


def check_dag_folder(
    root: Path, folder: str | None, checks=None, airflow_major: int | None = None
) -> CheckOutcome:
    if folder is None:
        return CheckOutcome(CHECK, "skip", "no DAGs folder (release.dags)", "No DAGs to check.")
    result = _run_check(root, root / folder, checks, airflow_major)
    notes = "".join(f"\n\nNote: {note}." for note in result.notes)
    if result.ok:
        summary = f"{len(result.dags)} DAG(s) parsed, serialized and checked, no error"
        return CheckOutcome(CHECK, "pass", summary, summary + "." + notes)
    annotations = []
    rows = ["| file | line | error |", "|---|---|---|"]
    for problem in result.problems:
        path = f"{folder}/{problem.file}"
        annotations.append(Annotation(path, problem.line, problem.message))
        rows.append(f"| {code(path)} | {problem.line or ''} | {cell(problem.message)} |")
    files = len({p.file for p in result.problems})
    summary = f"{files} DAG file(s) refused, {len(result.dags)} DAG(s) fine"
    return CheckOutcome(CHECK, "fail", summary, "\n".join(rows) + notes, tuple(annotations))
