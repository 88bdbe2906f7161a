"""The one rule for paths in configuration: confined to the repository.

Every path a config file names is relative to the project folder (config/'s parent; the git root
unless the project lives in a subfolder, tierform/config/repository.py), uses
`/`, has no `..`, is not the root itself and does not lie in the config folder. Folders
Tierform *generates* (the local DAGs folder, local state) must lie under `.tierform/`, the
git-ignored work folder, and hold no tracked file: a publisher replaces what is there, so a
typo must never point it at a checkout, `config/` or a folder outside the repository.
Symlinks count by where they lead: a path whose existing part resolves outside its allowed
area is refused like a `..`.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path, PurePosixPath

WORKDIR = ".tierform"
MAX_PATH_LENGTH = 1024


def syntax_problem(value: str) -> str | None:
    """What is wrong with `value` as a repository-relative path, from its text alone
    (a phrase starting with "must"), or None."""
    inside = "must be a path inside the repository, relative to its root"
    if not value or not value.strip():
        return "must not be empty"
    if any(ord(c) < 32 for c in value) or "\\" in value:
        return f"{inside}, with / separators and no control characters (newline, tab, NUL)"
    pure = PurePosixPath(value)
    if pure.is_absolute() or value.startswith("~"):
        return f"{inside}, not absolute (e.g. examples/dbt)"
    if ".." in pure.parts:
        return f"{inside}, without '..'"
    if str(pure) == ".":
        return "must not be the repository root itself"
    if len(value) > MAX_PATH_LENGTH or any(len(part.encode()) > 255 for part in pure.parts):
        return f"must be at most {MAX_PATH_LENGTH} characters, 255 per folder name"
    return None


def syntax_checked(value: str) -> str:
    """Field validator form of `syntax_problem`: the normalized path, or ValueError."""
    problem = syntax_problem(value)
    if problem:
        from tierform.config.error_format import shorten

        raise ValueError(f"{shorten(value)} {problem}")
    return str(PurePosixPath(value))


def _inside(path: Path, area: Path) -> bool:
    return path == area or area in path.parents


def _resolved(root: Path, value: str) -> Path:
    """Where `root/value` leads once the symlinks among its parts are followed; the last
    part is kept as is (it may be a link a publisher owns)."""
    pure = PurePosixPath(value)
    parent = (root / Path(*pure.parts[:-1])).resolve() if len(pure.parts) > 1 else root.resolve()
    return parent / pure.parts[-1]


def confinement_problem(
    value: str, root: Path, config_dir: Path | None = None, *, generated: bool = False
) -> str | None:
    """Why `value` (repository-relative) may not be used, or None.

    `generated`: a folder Tierform writes or replaces, which must be under `.tierform/`.
    """
    problem = syntax_problem(value)
    if problem:
        return problem
    try:
        return _confinement_problem(value, root, config_dir, generated)
    except OSError as exc:  # a symlink loop, a permission problem on the way
        return f"must be a usable path ({exc.strerror or exc})"


def _confinement_problem(
    value: str, root: Path, config_dir: Path | None, generated: bool
) -> str | None:
    root = root.resolve()
    # A source path is read (and its files published): where its last part leads counts
    # too. A generated one keeps its last part as is: it may be a link its publisher owns.
    where = _resolved(root, value) if generated else (root / value).resolve()
    # .tierform/ itself may be a link (to a bigger disk, say): a generated folder is judged
    # against where .tierform/ leads, a source folder against the repository.
    workdir = (root / WORKDIR).resolve()
    area = workdir if generated else root
    written_inside = not generated or PurePosixPath(value).parts[0] == WORKDIR
    if written_inside and (not _inside(where, area) or where == root):
        return "must stay inside the repository (a symlink on the way leads outside)"
    if config_dir is not None:
        config = config_dir.resolve()
        if _inside(where, config) or _inside(config, where):
            return "must not be (or contain) the configuration folder"
    if generated:
        if not _inside(where, workdir) or where == workdir:
            return (
                f"must be inside {WORKDIR}/, the git-ignored work folder: Tierform replaces "
                f"what is there (e.g. {WORKDIR}/airflow/dags)"
            )
        relative = str(PurePosixPath(value))
        if git_root(root.absolute()) and where.exists() and tracked_files(root, relative):
            return "must not hold files tracked by git (Tierform replaces what is there)"
    return None


def git_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding `.git` (a folder, or a file in a
    worktree or submodule), or None: the repository root, also for a project in a
    subfolder of a monorepo (tierform/config/repository.py)."""
    for folder in (start, *start.parents):
        if os.path.lexists(folder / ".git"):
            return folder
    return None


def tracked_files(root: Path, relative: str) -> list[str]:
    """Files git tracks under `relative` (empty when git is unavailable)."""
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--", relative],
            cwd=root,
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if result.returncode != 0:
        return []
    return [name for name in result.stdout.decode(errors="replace").split("\0") if name]
