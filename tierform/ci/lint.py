"""SQL lint of dbt models with sqlfluff, offline: the project's `.sqlfluff` picks the
templater (the example uses jinja with dbt's builtins), so no warehouse connection and no
credentials are needed. Findings are per file and line: GitHub annotations in CI."""

from __future__ import annotations

from pathlib import Path

from tierform.ci.result import Annotation, CheckOutcome
from tierform.gitops.markdown import cell, code

CHECK = "sql-lint"
SHOWN = 50  # findings listed in the comment; the annotations carry all of them


def lint_models(
    root: Path, project_dir: str, files: list[str], *, everything: bool
) -> CheckOutcome:
    scope = "every model" if everything else "the models this PR changes"
    if not files:
        return CheckOutcome(CHECK, "skip", f"no model to lint ({scope})", "No model changed.")
    # Imported here: sqlfluff costs a second to import and only this check needs it.
    from sqlfluff.core import FluffConfig, Linter

    project = (root / project_dir).resolve()
    if not (project / ".sqlfluff").is_file():
        note = f"{project_dir}/.sqlfluff is missing (it says which dialect and templater to use)"
        return CheckOutcome(CHECK, "skip", note, note)
    config = FluffConfig.from_path(str(project))
    linted = Linter(config=config).lint_paths(tuple(str(root / f) for f in files))
    annotations = []
    for record in linted.as_records():
        path = str(Path(record["filepath"]).resolve().relative_to(root.resolve()))
        for v in record["violations"]:
            message = f"{v['code']}: {v['description']}"
            annotations.append(Annotation(path, v.get("start_line_no"), message))
    annotations.sort(key=lambda a: (a.path, a.line or 0))
    if not annotations:
        summary = f"{len(files)} model(s) linted, no finding"
        return CheckOutcome(CHECK, "pass", summary, f"{summary} ({scope}).")
    summary = f"{len(annotations)} finding(s) in {len({a.path for a in annotations})} file(s)"
    rows = ["| file | line | finding |", "|---|---|---|"]
    rows += [
        f"| {code(a.path)} | {a.line or ''} | {cell(a.message)} |" for a in annotations[:SHOWN]
    ]
    if len(annotations) > SHOWN:
        rows.append(f"| … | | {len(annotations) - SHOWN} more (see the job's annotations) |")
    return CheckOutcome(CHECK, "fail", summary, "\n".join(rows), tuple(annotations))
