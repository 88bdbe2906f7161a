"""Which files a pull request changes: `git diff --name-only <base>...HEAD` plus what the
working tree has not committed yet (on a laptop the change is often uncommitted)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tierform.ci.errors import CiInputError


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)


def changed_files(root: Path, base: str) -> list[str]:
    """Paths changed since the merge base with `base`, relative to `root`, and only those
    under it: `root` may be the git root or a project folder below it (`platforms/zeta`).
    (`git diff` names files from the git root unless told `--relative`; `ls-files` names
    them from the working directory: both are asked for `root`-relative names.)"""
    check = _git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    if check.returncode != 0:
        raise CiInputError(
            f"--base {base!r} is not a commit in {root} (fetch it first, e.g. "
            f"`git fetch origin {base.removeprefix('origin/')}`)"
        )
    files: set[str] = set()
    for args in (
        ("diff", "--name-only", "--relative", f"{base}...HEAD"),
        ("diff", "--name-only", "--relative", "HEAD"),
    ):
        diff = _git(root, *args)
        if diff.returncode != 0:
            raise CiInputError(f"git {' '.join(args)} failed: {diff.stderr.strip()[:300]}")
        files.update(line.strip() for line in diff.stdout.splitlines() if line.strip())
    untracked = _git(root, "ls-files", "--others", "--exclude-standard")
    files.update(line.strip() for line in untracked.stdout.splitlines() if line.strip())
    return sorted(f for f in files if (root / f).is_file())


def model_files(root: Path, project_dir: str, model_paths: list[str]) -> list[str]:
    """Every .sql model of the dbt project, repository-relative."""
    found: list[str] = []
    for folder in model_paths:
        base = root / project_dir / folder
        found += [str(p.relative_to(root)) for p in base.rglob("*.sql") if p.is_file()]
    return sorted(found)


def changed_models(root: Path, base: str | None, project_dir: str, model_paths: list[str]):
    """The model files to lint: every one (base None, i.e. --all) or the changed ones."""
    models = model_files(root, project_dir, model_paths)
    if base is None:
        return models
    changed = set(changed_files(root, base))
    return [m for m in models if m in changed]
