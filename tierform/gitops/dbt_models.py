"""The dbt models a tier's release will build: `dbt ls -s state:modified+` against the
manifest of the tier's last successful release (.tierform/releases/<tier>/dbt/last-success/).

dbt is imported only when asked for (it costs seconds), and runs with its own target and
log folders in a temporary directory so nothing lands in the dbt project.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

RELEASES_DIR = Path(".tierform/releases")


def last_success_dir(tier: str, releases_dir: Path = RELEASES_DIR) -> Path:
    return releases_dir / tier / "dbt" / "last-success"


@dataclass(frozen=True)
class ModelSelection:
    models: list[str]
    # True: no manifest of a successful release yet, so the release builds every model.
    full_build: bool = False
    error: str | None = None


def models_to_build(
    project_dir: Path,
    *,
    state_dir: Path,
    target: str | None = None,
    profiles_dir: Path | None = None,
) -> ModelSelection:
    full_build = not (state_dir / "manifest.json").is_file()
    args = ["ls", "--project-dir", str(project_dir), "--resource-type", "model"]
    args += ["--output", "name", "--quiet"]
    if not full_build:
        args += ["--select", "state:modified+", "--state", str(state_dir)]
    if target:
        args += ["--target", target]
    if profiles_dir:
        args += ["--profiles-dir", str(profiles_dir)]
    with tempfile.TemporaryDirectory(prefix="tierform-dbt-ls-") as tmp:
        args += ["--target-path", str(Path(tmp) / "target"), "--log-path", str(Path(tmp) / "logs")]
        from dbt.cli.main import dbtRunner  # seconds of import: only when used

        result = dbtRunner().invoke(args)
    if not result.success:
        reason = str(result.exception) if result.exception else "dbt ls failed"
        return ModelSelection([], full_build, error=reason.strip().splitlines()[0][:300])
    return ModelSelection(sorted(result.result or []), full_build)
