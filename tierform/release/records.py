"""Small JSON records of releases on disk, written atomically (temp file, then rename)."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tierform.config.errors import ConfigError
from tierform.config.input_files import read_text_file
from tierform.release.context import ReleaseError

MAX_RECORD_BYTES = 16 * 1024 * 1024


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.write("\n")
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; Airflow or a teammate may read it
    os.replace(tmp, path)


class CorruptRecord(ReleaseError):
    """A record that exists but cannot be read: reported by name, exit 2 (bad input)."""

    exit_code = 2


def read_json(path: Path, default: Any = None) -> Any:
    if not path.exists() and not path.is_symlink():
        return default
    try:
        data = json.loads(read_text_file(path, str(path), MAX_RECORD_BYTES))
    except ConfigError as exc:  # a folder, a FIFO, too big, not UTF-8
        raise CorruptRecord(_corrupt(path, exc.issues[0].message)) from None
    except ValueError as exc:  # truncated, not JSON
        raise CorruptRecord(_corrupt(path, str(exc))) from None
    if not isinstance(data, dict):  # every record is a JSON object
        raise CorruptRecord(_corrupt(path, "not a JSON object"))
    return data


def _corrupt(path: Path, reason: str) -> str:
    return (
        f"{path}: cannot read this release record ({reason}); restore it or move it away "
        "(the release history it held is then forgotten)"
    )


def git_sha(root: Path) -> str | None:
    """The commit being released, when the repository is a git checkout."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    sha = result.stdout.strip()
    return sha if result.returncode == 0 and sha else None
