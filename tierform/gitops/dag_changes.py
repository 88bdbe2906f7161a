"""DAG files a pull request adds, changes or removes: `git diff --name-status base...HEAD`.

The three-dot form compares against the merge base, i.e. exactly what the PR brings, even
when the base branch moved on since the PR was opened.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

_STATUS = {"A": "added", "M": "changed", "D": "removed", "T": "changed", "C": "added"}


class GitError(RuntimeError):
    pass


@dataclass(frozen=True)
class FileChange:
    status: str  # added | changed | removed | renamed
    path: str
    old_path: str | None = None


def dag_changes(folder: str | Path, base: str, *, repo: str | Path = ".") -> list[FileChange]:
    result = subprocess.run(
        ["git", "diff", "--name-status", "-M", f"{base}...HEAD", "--", str(folder)],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise GitError(
            f"git diff against {base!r} failed: {result.stderr.strip()} "
            "(in CI, check out with fetch-depth: 0 so the base commit exists)"
        )
    return parse_name_status(result.stdout)


def parse_name_status(text: str) -> list[FileChange]:
    changes = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = line.split("\t")
        code = parts[0][:1]
        if code == "R" and len(parts) == 3:
            changes.append(FileChange("renamed", parts[2], old_path=parts[1]))
        else:
            changes.append(FileChange(_STATUS.get(code, "changed"), parts[-1]))
    return changes
