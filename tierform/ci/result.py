"""What every check of `tierform ci run` returns, local (lint, DAGs, dbt) or remote (a dbt
Cloud CI job, a Databricks run): one outcome, rendered the same way in the console, the PR
comment, the commit statuses and the GitHub annotations."""

from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("pass", "fail", "skip")


@dataclass(frozen=True)
class Annotation:
    path: str  # repository-relative
    line: int | None
    message: str
    level: str = "error"  # GitHub's workflow-command levels: error | warning | notice


@dataclass(frozen=True)
class CheckOutcome:
    check: str
    status: str  # "pass" | "fail" | "skip"
    summary: str  # one line
    markdown: str  # the check's part of the PR comment's "Data CI" section
    annotations: tuple[Annotation, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status == "fail"
