"""The DAG checks parse with the installed Airflow (3.x); a tier's environment may run
another major version (MWAA `airflow_version`, a Composer image, an Astro Runtime).

What the checker cannot see then is said, and the one mistake that always breaks such a
tier is refused: a DAG importing `airflow.sdk` (Airflow 3's authoring interface), which
an Airflow 2 environment does not have, imports fine here and fails there on every parse.
A DAG valid only on Airflow 2 (`schedule_interval`, removed in 3) may still be refused by
the checker's own parser: the note says so.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from tierform.dags.problems import RULE, DagProblem

RULE_NAME = "airflow_version"
_AIRFLOW3_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+airflow\.sdk\b|import[ \t]+airflow\.sdk\b)", re.M
)


def checker_version() -> str:
    """The Airflow the checks parse with (the worker runs in this interpreter)."""
    return metadata.version("apache-airflow")


def version_note(tier_major: int | None, checker: str) -> str | None:
    """What the check cannot vouch for when the tier runs another major version, or None."""
    if tier_major is None or tier_major == int(checker.split(".")[0]):
        return None
    return (
        f"the DAGs were checked with Airflow {checker}; the tier runs Airflow {tier_major}: "
        f"what differs between the two is not checked (a DAG using Airflow {tier_major}-only "
        "arguments may be refused here, one using the checker's may pass and fail there)"
    )


def version_problems(folder: Path, files: list[str], tier_major: int | None) -> list[DagProblem]:
    """DAG files importing `airflow.sdk` when the tier runs Airflow 2."""
    if tier_major is None or tier_major >= 3:
        return []
    found = []
    for file in files:
        try:
            text = (folder / file).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        match = _AIRFLOW3_IMPORT.search(text)
        if match:
            found.append(
                DagProblem(
                    file,
                    text.count("\n", 0, match.start()) + 1,
                    f"imports airflow.sdk, which Airflow {tier_major} does not have (the tier's "
                    "environment runs): import from airflow.decorators, airflow.models and "
                    "airflow.operators, which both versions have",
                    kind=RULE,
                    rule=RULE_NAME,
                )
            )
    return found
