"""Reading an input file without trusting it: only a regular file (a FIFO would block, a
symlink to /dev/zero never ends), at most a size limit, UTF-8 text. Config files, plans and
release records all come through here."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tierform.config.errors import ConfigError, ConfigIssue

# A config file is a few KiB, but one tier of a 50,000-instance platform that gives each
# schema a comment and `managed_access` is ~1.2 MB (1 MiB refused it). 4 MiB leaves room for
# three times that and still bounds what a hostile file costs: the worst 4 MiB of YAML (a
# flat list of 2 million one-letter values) parses in ~5 s and ~640 MB, then fails.
MAX_FILE_BYTES = 4 * 1024 * 1024


def read_text_file(path: Path, display: str, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of a regular file of at most `limit` bytes, else a ConfigError."""

    def refuse(message: str) -> ConfigError:
        return ConfigError([ConfigIssue(display, "", message)])

    try:
        info = os.stat(path)  # follows symlinks: a link to a regular file is fine
    except FileNotFoundError:
        raise refuse("file not found") from None
    except OSError as exc:
        raise refuse(f"cannot read file: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise refuse("is a folder, expected a file")
    if not stat.S_ISREG(info.st_mode):
        raise refuse("is not a regular file (a device, FIFO or socket); refusing to read it")
    if info.st_size > limit:
        raise refuse(f"is {info.st_size} bytes, over the limit of {limit} bytes")
    try:
        # O_NONBLOCK: should the file be swapped for a FIFO after the check, open() still
        # returns at once instead of waiting for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise refuse("is not a regular file; refusing to read it")
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise refuse(f"cannot read file: {exc.strerror}") from None
    if len(raw) > limit:
        raise refuse(f"is over the limit of {limit} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Latin-1, UTF-16 or a binary file: say which byte, where, so it can be found.
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise refuse(
            f"line {line}, column {column} (byte offset {exc.start}): byte "
            f"0x{raw[exc.start]:02x} is not UTF-8 text; save the file as UTF-8"
        ) from None
