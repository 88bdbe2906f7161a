"""Bad input to `tierform ci` (exit 2 through tierform/guard.py: one line, no traceback)."""

from __future__ import annotations

from tierform.config.errors import EXIT_BAD_INPUT


class CiInputError(Exception):
    exit_code = EXIT_BAD_INPUT
