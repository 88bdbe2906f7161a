"""Where the project sits in its git repository.

Terms used everywhere: the *repository root* is the git root (the folder holding `.git`);
the *project folder* is the config folder's parent, which every path in config is relative
to. They are the same folder unless the project lives in a subfolder of a monorepo
(`helix/config` → project folder `helix`). Databricks runs notebooks and dbt projects from
the git root (`git_source`), so job paths are written with the subfolder in front.

The subfolder is found from `.git` when the checkout has one; `repository.subfolder` in
platform.yaml says it where there is none (a source archive, a container build context)
and is checked against the checkout where there is.

The *working root* is where Tierform keeps what it generates, `.tierform/` (release
ledgers, deployment records): $TIERFORM_ROOT, else the repository root of the platform's
config folder (the project folder less its subfolder: the git root, or without `.git` what
`repository.subfolder` says).
That is where the commands run (the Makefile, cdktf.json and cdktf.out are there, and the
release steps `cd` there), and it does not depend on the directory a command is started in:
`tierform validate --config /abs/platform/config` from /tmp finds the same deployment
records as `make deploy` wrote. A config folder elsewhere (`platforms/zeta/config`) does not
split them between two folders either.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from tierform.config.base import Spec
from tierform.config.error_format import shorten
from tierform.config.repo_paths import git_root, syntax_problem

ROOT_VARIABLE = "TIERFORM_ROOT"


def configured_root() -> Path | None:
    """$TIERFORM_ROOT, absolute, when set (and not empty)."""
    configured = os.environ.get(ROOT_VARIABLE)
    return Path(configured).absolute() if configured else None


def work_root(config_dir: str | Path | None = None, subfolder: str = "") -> Path:
    """The working root, absolute: $TIERFORM_ROOT, else the repository root of `config_dir`:
    its project folder less `subfolder` (project_subfolder's answer: found from `.git`, or
    the platform's `repository.subfolder`), else (no config folder) the working directory."""
    configured = configured_root()
    if configured is not None:
        return configured
    if config_dir is None:
        return Path(".").absolute()
    project = Path(config_dir).absolute().parent
    depth = len(PurePosixPath(subfolder).parts)
    return project.parents[depth - 1] if depth else project


class RepositorySpec(Spec):
    """`repository:` in platform.yaml."""

    # The project folder relative to the git root, e.g. `helix`; unset: found from `.git`.
    subfolder: str | None = None


def project_subfolder(project: Path, setting: str | None) -> tuple[str, str | None]:
    """(the project folder relative to the git root, '' at the root; a problem with
    `repository.subfolder` or None)."""
    if setting is not None and setting not in ("", "."):
        problem = syntax_problem(setting)
        if problem:
            return "", f"{shorten(setting)} {problem}"
    wanted = "" if setting in (None, "", ".") else str(PurePosixPath(setting))
    root = git_root(project.absolute())
    if root is None:
        return wanted, None
    found = project.absolute().relative_to(root).as_posix()
    found = "" if found == "." else found
    if setting is not None and wanted != found:
        shown = repr(found) if found else "the git root itself"
        return found, (
            f"{shorten(setting)} does not match the checkout: the project folder (the config "
            f"folder's parent) is {shown} in the git repository {root}; set {found or '.'!r} "
            "or remove the setting"
        )
    return found, None


def in_repository(subfolder: str, path: str) -> str:
    """A project-relative path as the git root sees it."""
    return str(PurePosixPath(subfolder) / path) if subfolder else path
