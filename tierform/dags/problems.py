"""What a DAG check finding is — a file, a line when one is known, a one-line message — and
how Airflow's error texts read as one line that says the reason.

Airflow's texts end where a one-line report would cut them badly: an import error is a
traceback (the reason is its last line), a timeout ends in a documentation URL, and a
serialization error speaks of "top level database access" when the cause is a timetable no
plugin registered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Kinds, for whoever annotates or counts: the reason Airflow would refuse the file, or the rule.
IMPORT, SERIALIZE, TIMEOUT, CRASH, RULE = "import", "serialize", "timeout", "crash", "rule"


@dataclass(frozen=True)
class DagProblem:
    file: str  # relative to the DAGs folder, POSIX separators
    line: int | None
    message: str  # one line
    kind: str = IMPORT
    dag_id: str | None = None
    rule: str | None = None  # the rule's config name when kind == RULE
    detail: str = ""  # the full text (a traceback) for logs, never for one-line reports

    def one_line(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"{self.file}: {self.message}{where}"

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "kind": self.kind,
            "dag_id": self.dag_id,
            "rule": self.rule,
        }


def headline(error: str) -> str:
    """The line that says what went wrong: the last non-empty line of a traceback."""
    lines = [line.strip() for line in error.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "unknown error"


def error_line(text: str, file: str) -> int | None:
    """The line of `file` where a traceback (or SyntaxError) points last."""
    name = re.escape(file.split("/")[-1])
    found = re.findall(rf'File "[^"]*{name}", line (\d+)', text)
    if found:
        return int(found[-1])
    syntax = re.search(r"\(.*?, line (\d+)\)\s*$", text.strip())
    return int(syntax.group(1)) if syntax else None


_AIRFLOW_TIMEOUT = re.compile(r"DagBag import timeout for .* after ([\d.]+)s")


def import_message(text: str, budget: int, setting: str) -> tuple[str, str]:
    """(kind, one-line reason) of an import error text from Airflow."""
    if _AIRFLOW_TIMEOUT.search(text):
        return TIMEOUT, (
            f"took longer than {budget} s to import (the per-file budget, {setting}); "
            "Airflow stopped it. Move slow work (network calls, queries, large loops) out "
            "of top-level code into tasks"
        )
    return IMPORT, headline(text)


_NOT_REGISTERED = [
    (
        re.compile(r"Timetable class '([^']+)' is not registered"),
        "timetable {0} is not registered: the dag-processor only serializes timetables an "
        "Airflow plugin registers (AirflowPlugin.timetables) in the target environment",
    ),
    (
        re.compile(r"Unknown priority strategy (\S+)"),
        "priority-weight strategy {0} is not registered: the dag-processor only serializes "
        "strategies an Airflow plugin registers (AirflowPlugin.priority_weight_strategies)",
    ),
]


def serialize_message(dag_id: str, message: str) -> str:
    for pattern, template in _NOT_REGISTERED:
        if match := pattern.search(message):
            return f"DAG {dag_id!r} cannot be serialized: " + template.format(match.group(1))
    reason = re.sub(r"^Failed to serialize DAG '[^']*':\s*", "", headline(message))
    return f"DAG {dag_id!r} cannot be serialized (the dag-processor refuses it): {reason}"


def killed_message(budget: int, setting: str, elapsed: float) -> str:
    return (
        f"still parsing after {elapsed:.0f} s, over the per-file budget of {budget} s "
        f"({setting}); it did not stop at Airflow's own import timeout (it blocks in C code "
        "or ignores SIGALRM), so its parser was killed"
    )


def crash_message(exitcode: int | None, log_tail: str) -> str:
    if exitcode is not None and exitcode < 0:
        how = f"was killed by signal {-exitcode}"
    else:
        how = f"exited with code {exitcode}"
    last = headline(log_tail) if log_tail else ""
    return (
        f"the parser {how} while importing the file (a DAG file must not exit or crash the interpreter)"
        + (f": {last}" if last else "")
    )
