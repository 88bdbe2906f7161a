"""The dbt models a tier's release will build: `dbt ls -s state:modified+` against the
manifest of the tier's last successful release, read from the tier's release ledger (or, with
--dbt-state-root, from a folder holding <tier>/dbt/last-success/manifest.json).

dbt runs only when asked for (it costs seconds), as a subprocess, with its own target and
log folders in a temporary directory so nothing lands in the dbt project.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

RELEASES_DIR = Path(".tierform/releases")


def last_success_dir(tier: str, releases_dir: Path = RELEASES_DIR) -> Path:
    return releases_dir / tier / "dbt" / "last-success"


def ledger_state_dir(config: Path, tier: str, into: Path) -> tuple[Path, str, str | None]:
    """The tier's last successful manifest downloaded from its ledger into `into/<tier>`
    (an empty folder when there is none), where that ledger is, and why it could not be
    read, if so."""
    from tierform.config import ConfigError, load_platform
    from tierform.ledger import LedgerError, dbt_records, tier_ledger

    dest = into / tier
    where = f"the release ledger of {tier}"
    try:
        platform = load_platform(config)
        spec = platform.tiers.get(tier)
        step = platform.dbt_step(spec) if spec is not None else None
        if step is not None:
            ledger = tier_ledger(platform, spec)
            where = ledger.location
            dbt_records.fetch_last_success(ledger, step.target, dest)
    except ConfigError:
        return dest, where, "the configuration does not validate, so the tier's ledger is unknown"
    except LedgerError as exc:
        return dest, where, f"the tier's release ledger could not be read ({exc})"
    return dest, where, None


@dataclass(frozen=True)
class ModelSelection:
    models: list[str]
    # True: no manifest of a successful release yet, so the release builds every model.
    full_build: bool = False
    error: str | None = None
    state_dir: Path | None = None


def _dbt_executable() -> str | None:
    beside = Path(sys.executable).parent / "dbt"  # the venv's dbt, even when not on PATH
    return str(beside) if beside.is_file() else shutil.which("dbt")


def models_to_build(
    project_dir: Path,
    *,
    state_dir: Path,
    target: str | None = None,
    profiles_dir: Path | None = None,
    env: dict[str, str] | None = None,
) -> ModelSelection:
    """What `dbt build -s state:modified+` of the release would select. `env`: what the
    release sets for dbt (plan_summary.DbtSource.env), so relations compare as there."""
    full_build = not (state_dir / "manifest.json").is_file()
    dbt = _dbt_executable()
    if dbt is None:
        return ModelSelection([], full_build, error="dbt is not installed", state_dir=state_dir)
    # dbt resolves some relative paths against the project, others against the cwd.
    args = [dbt, "--quiet", "ls", "--project-dir", str(project_dir.resolve())]
    args += ["--resource-type", "model", "--output", "name"]
    if not full_build:
        args += ["--select", "state:modified+", "--state", str(state_dir.resolve())]
    if target:
        args += ["--target", target]
    if profiles_dir:
        args += ["--profiles-dir", str(profiles_dir.resolve())]
    with tempfile.TemporaryDirectory(prefix="tierform-dbt-ls-") as tmp:
        args += ["--target-path", str(Path(tmp) / "target"), "--log-path", str(Path(tmp) / "logs")]
        # A subprocess: dbt prints the list on stdout, which is ours (the Markdown).
        result = subprocess.run(
            args, capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})}
        )
    if result.returncode != 0:
        lines = [x.strip() for x in (result.stdout + result.stderr).splitlines() if x.strip()]
        reason = " ".join(lines[-3:]) if lines else "dbt ls failed"
        return ModelSelection([], full_build, error=reason[:300], state_dir=state_dir)
    names = [x.strip() for x in result.stdout.splitlines() if x.strip()]
    return ModelSelection(sorted(names), full_build, state_dir=state_dir)
