"""Local DAGs folder: a symlink to the active version folder, swapped atomically.

Airflow reads `location` (e.g. .tierform/airflow/local/dags). Each release is a complete
folder written beforehand; activating it replaces the symlink with os.replace (an atomic
rename), so a reader sees the old release or the new one, never a mix.

The publisher only ever replaces what it created: `location` must lie inside the
repository's `.tierform/` (the rule of tierform/config/repo_paths.py, checked again here
because the Python API can bypass config loading), and whatever is already there must be
our own symlink, one that points into the versions folder the release came from. A real
folder, a file, or a link leading anywhere else is refused (exit 2), never moved or deleted.
"""

from __future__ import annotations

import os
from pathlib import Path

from tierform.config.airflow import DagTarget
from tierform.config.repo_paths import confinement_problem
from tierform.release.context import ReleaseError


class RefusedTarget(ReleaseError):
    """The DAGs location holds something Tierform did not create: bad input, exit 2."""

    exit_code = 2


class LocalPublisher:
    def __init__(self, target: DagTarget, root: Path):
        self.root = root
        self.value = target.location
        location = Path(target.location)
        self.location = location if location.is_absolute() else root / location

    def publish(self, version_dir: Path) -> str:
        problem = confinement_problem(self.value, self.root, generated=True)
        if problem:
            raise RefusedTarget(f"DAGs folder {self.value!r} {problem}; nothing was published")
        location = self.location
        self._check_ours(location, version_dir.parent)
        location.parent.mkdir(parents=True, exist_ok=True)
        # Relative link: the repository can move (or be copied) without breaking it.
        link = os.path.relpath(version_dir, location.parent)
        swap = location.with_name(f".{location.name}.swap-{os.getpid()}")
        if swap.is_symlink():
            swap.unlink()
        elif swap.exists():
            raise RefusedTarget(f"{swap} exists and is not a symlink of ours; remove it")
        os.symlink(link, swap, target_is_directory=True)
        os.replace(swap, location)
        return f"local folder {location}"

    @staticmethod
    def _check_ours(location: Path, versions: Path) -> None:
        """Refuse unless `location` is absent or our symlink into `versions`."""
        if not location.is_symlink():
            if location.exists():
                raise RefusedTarget(
                    f"{location} exists and was not created by Tierform (not a symlink to a "
                    f"release under {versions}); move it away yourself, then publish again"
                )
            return
        pointed = (location.parent / os.readlink(location)).resolve()
        if pointed.parent != versions.resolve():
            raise RefusedTarget(
                f"{location} is a symlink to {pointed}, not to a release under {versions}; "
                "remove it yourself, then publish again"
            )
