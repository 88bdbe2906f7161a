"""`tierform dag-check --tier T [--folder DIR] [--json FILE]`: the tier's DAG checks on a
DAGs folder (default: the platform's `release.dags.folder`), exactly as the release gate
runs them, without releasing anything. Exit 0 when every file passes, 1 when one fails,
2 for bad input (an unknown tier, a missing folder)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from tierform.cli_options import ConfigOption
from tierform.command_io import load_or_exit, tier_or_exit
from tierform.config import EXIT_BAD_INPUT


def dag_check_command(
    tier: Annotated[str, typer.Option("--tier", help="whose checks to apply")],
    folder: Annotated[
        Path | None, typer.Option("--folder", help="DAGs folder (default: release.dags.folder)")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="also write the result as JSON here")
    ] = None,
    config: ConfigOption = Path("config"),
) -> None:
    """Check DAG files with the tier's DAG checks (parse + serialize like Airflow, rules)."""
    from tierform.release.context import ReleaseError
    from tierform.release.dag_check import check_dags

    platform = load_or_exit(config)
    spec = tier_or_exit(platform, tier, "dag-check")
    root = platform.repo_root
    if folder is None:
        dags = platform.platform.release.dags if platform.platform.release else None
        if dags is None:
            print(
                "tierform dag-check: no --folder and no release.dags.folder in the platform file",
                file=sys.stderr,
            )
            raise typer.Exit(EXIT_BAD_INPUT)
        folder = root / dags.folder
    if not folder.is_dir():
        print(f"tierform dag-check: --folder {str(folder)!r} is not a folder", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT)
    checks = spec.release.dags.checks
    try:
        check = check_dags(root, folder, checks=checks, airflow_major=spec.airflow_major)
    except ReleaseError as exc:
        print(f"tierform dag-check: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None
    if json_out is not None:
        json_out.write_text(json.dumps(check.as_dict(), indent=2) + "\n", encoding="utf-8")
    rules = ", ".join(checks.rules.enabled()) or "none"
    print(
        f"tier {tier}: {len(check.files)} file(s), {len(check.dags)} DAG(s); rules: {rules}; "
        f"budget {checks.parse_timeout_seconds} s per file"
    )
    for note in check.notes:
        print(f"  note: {note}")
    for line in check.error_lines():
        print(f"  FAIL {line}")
    if not check.ok:
        print(f"{len(check.errors)} DAG file(s) failed the DAG checks")
        raise typer.Exit(1)
    print("every DAG file passed")
