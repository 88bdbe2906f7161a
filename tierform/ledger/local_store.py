"""The ledger in a folder: objects are files, written to a temp file and renamed into place;
`put_if_absent` is O_CREAT|O_EXCL, which the kernel (or an NFS server) decides atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tierform.ledger.errors import CorruptRecord, LedgerError

# Temp files of writes in progress; never listed (a key may itself start with a dot).
TMP_PREFIX = ".tierform-tmp-"
# The largest object read back (a big dbt project's manifest is tens of MB): a record
# replaced by something huge must not exhaust memory.
MAX_OBJECT_BYTES = 512 * 1024 * 1024


class LocalStore:
    def __init__(self, directory: Path):
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key

    def url(self, key: str) -> str:
        return str(self._path(key))

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            if not path.exists() and not path.is_symlink():
                return None
            # A folder, FIFO or device where an object belongs is damage, not absence
            # (absence would mean "no releases yet"); a FIFO would also block the read.
            if not path.is_file():
                raise CorruptRecord(str(path), "is not a regular file")
            if path.stat().st_size > MAX_OBJECT_BYTES:
                raise CorruptRecord(str(path), f"is larger than {MAX_OBJECT_BYTES} bytes")
            return path.read_bytes()
        except OSError as exc:
            raise LedgerError(f"cannot read {path}: {exc.strerror}") from None

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{TMP_PREFIX}{path.name}.")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; a teammate's Airflow may read it
            os.replace(tmp, path)
        except OSError as exc:
            raise LedgerError(f"cannot write {path}: {exc.strerror}") from None

    def put_if_absent(self, key: str, data: bytes) -> bool:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        except OSError as exc:
            raise LedgerError(f"cannot create {path}: {exc.strerror}") from None
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return True

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink(missing_ok=True)
        except OSError as exc:
            raise LedgerError(f"cannot delete {self._path(key)}: {exc.strerror}") from None

    def list(self, prefix: str) -> list[str]:
        base = self._path(prefix)
        if not base.is_dir():
            return []
        keys = []
        for folder, _dirs, files in os.walk(base):
            for name in files:
                if name.startswith(TMP_PREFIX):
                    continue
                keys.append((Path(folder) / name).relative_to(self.directory).as_posix())
        return sorted(keys)
