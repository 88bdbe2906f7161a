"""The top-level guard of every command: one line and an exit code, never a traceback.

Exit codes of every Tierform command: 0 done / passed; 1 a check or step failed (a policy
check, a dbt node, a DAG import error); 2 bad input or the command could not do its job;
3 a stale plan (apply-plan). Commands raise typed errors for what they expect; this guard
catches what escapes them:

- an error of ours carrying `exit_code` (1, 2 or 3) → its message, that code;
- ConfigError (and other bad input that reached the top: an unreadable, non-UTF-8 or
  non-JSON file) → its message, exit 2;
- anything else is a bug in Tierform: one line naming the exception, "this is a bug",
  exit 2 — never 1, which a pipeline reads as "a check failed", and never 0.
  TIERFORM_DEBUG=1 re-raises it, with the traceback, for whoever fixes it.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import sys
from collections.abc import Callable

from tierform.config.errors import EXIT_BAD_INPUT, ConfigError
from tierform.config.secrets import mask_secrets

DEBUG_VARIABLE = "TIERFORM_DEBUG"


def one_line(text: str, limit: int = 300) -> str:
    """`text` as one line of a message: whitespace collapsed, secrets masked, shortened."""
    text = mask_secrets(" ".join(str(text).split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_bad_input(exc: BaseException) -> str | None:
    """The one line for an error that means "this input cannot be used", or None."""
    if isinstance(exc, ConfigError):
        return mask_secrets(str(exc))
    if isinstance(exc, json.JSONDecodeError):
        return one_line(f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}")
    if isinstance(exc, UnicodeDecodeError):
        return one_line(f"a file is not UTF-8 text (byte {exc.start})")
    if isinstance(exc, OSError) and exc.filename:
        return one_line(f"{exc.filename}: {exc.strerror or exc}")
    return None


_EXIT_COLLECTION_SKIPPED = False


def skip_exit_collection() -> None:
    """Spare this process the cyclic-garbage collections of interpreter shutdown.

    As it exits, CPython clears every module and runs full collections over all objects
    still alive. With cdktf and both provider bindings imported (millions of typing and jsii
    objects) that alone is ~1.5 s of CPU, on every synth, whatever the platform's size, and
    more with checkov loaded: work on garbage the process is about to drop. Frozen objects
    are outside the collector's reach; those freed by reference count at shutdown still run
    their finalizers, garbage in reference cycles is simply not collected (Tierform defines no
    `__del__` and closes its files and temp folders with `with`). Registered once, before
    cdktf is imported, so it runs after every other exit handler (LIFO), the jsii kernel's
    stop included."""
    global _EXIT_COLLECTION_SKIPPED
    if not _EXIT_COLLECTION_SKIPPED:
        _EXIT_COLLECTION_SKIPPED = True
        atexit.register(gc.freeze)


def run_guarded(entry: Callable[[], object], prog: str) -> None:
    """Run a command's entry point (a typer app or a main()) under the guard; exits."""
    skip_exit_collection()
    try:
        result = entry()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # the last line of defence
        if os.environ.get(DEBUG_VARIABLE):
            raise
        code = getattr(exc, "exit_code", None)
        if code in (1, 2, 3):  # our own typed errors say which exit code they mean
            print(f"{prog}: {one_line(exc, 2000)}", file=sys.stderr)
            sys.exit(code)
        message = describe_bad_input(exc)
        if message is not None:
            print(f"{prog}: {message}", file=sys.stderr)
        else:
            print(
                f"{prog}: internal error: {type(exc).__name__}: {one_line(exc)} — this is a bug "
                f"in Tierform, please report it ({DEBUG_VARIABLE}=1 shows the traceback)",
                file=sys.stderr,
            )
        sys.exit(EXIT_BAD_INPUT)
    sys.exit(result if isinstance(result, int) else 0)
