"""Local DAGs folder: a symlink to the active version folder, swapped atomically.

Airflow reads `location` (e.g. .tierform/airflow/local/dags). Each release is a complete
folder written beforehand; activating it replaces the symlink with os.replace (an atomic
rename), so a reader sees the old release or the new one, never a mix.
"""

from __future__ import annotations

import os
from pathlib import Path

from tierform.config.airflow import DagTarget
from tierform.release.records import now


class LocalPublisher:
    def __init__(self, target: DagTarget, root: Path):
        location = Path(target.location)
        self.location = location if location.is_absolute() else root / location

    def publish(self, version_dir: Path) -> str:
        location = self.location
        location.parent.mkdir(parents=True, exist_ok=True)
        if location.exists() and not location.is_symlink():
            # A plain folder from before Tierform managed it: set aside, never deleted.
            stamp = now().replace(":", "").replace("-", "")
            location.rename(location.with_name(f"{location.name}.before-tierform-{stamp}"))
        # Relative link: the repository can move (or be copied) without breaking it.
        link = os.path.relpath(version_dir, location.parent)
        swap = location.with_name(f".{location.name}.swap-{os.getpid()}")
        if swap.is_symlink() or swap.exists():
            swap.unlink()
        os.symlink(link, swap, target_is_directory=True)
        os.replace(swap, location)
        return f"local folder {location}"
