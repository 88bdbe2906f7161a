"""Progress output: rich on a terminal, plain `tierform-release: …` lines in CI and logs."""

from __future__ import annotations

import os
import sys


def use_rich() -> bool:
    """Rich only for a person at a terminal; CI (CI=true), Terraform's captured output and
    pipes get plain lines that read well in logs."""
    return sys.stdout.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


class Reporter:
    def __init__(self, step: str, tier: str):
        self.prefix = f"tierform-release[{step} {tier}]"
        self._console = None
        if use_rich():
            from rich.console import Console

            self._console = Console(highlight=False)

    def info(self, message: str) -> None:
        self._emit(message, "", "cyan")

    def ok(self, message: str) -> None:
        self._emit(message, "ok: ", "green")

    def fail(self, message: str) -> None:
        self._emit(message, "FAILED: ", "bold red", err=True)

    def detail(self, message: str) -> None:
        """An indented line under the previous one (a failing node, a DAG id)."""
        if self._console is not None:
            self._console.print(f"    {message}", markup=False)
        else:
            print(f"{self.prefix}   {message}", flush=True)

    def _emit(self, message: str, label: str, style: str, err: bool = False) -> None:
        if self._console is not None:
            from rich.markup import escape

            # Prefix and message hold brackets ([dbt local], node names): never markup.
            self._console.print(
                f"[{style}]{escape(self.prefix)}[/] {escape(label + message)}", soft_wrap=True
            )
        else:
            print(
                f"{self.prefix} {label}{message}",
                file=sys.stderr if err else sys.stdout,
                flush=True,
            )
