"""Helpers for the policy tests: hand-written stacks in cdktf's layout, the gate as a command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from support import REPO, tool_env


def write_stack(outdir: Path, name: str, resources: dict[str, dict[str, Any]], **top: Any) -> Path:
    """cdktf.out/stacks/<name>/cdk.tf.json with `resources` ({type: {name: block}}), formatted
    like cdktf's own output (2-space JSON)."""
    data = {"//": {"metadata": {"stackName": name}}, "resource": resources, **top}
    if not resources:
        del data["resource"]
    path = outdir / "stacks" / name / "cdk.tf.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def run_policy(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tierform", "policy", *args],
        cwd=cwd or REPO,
        env=tool_env(COLUMNS="200"),
        capture_output=True,
        text=True,
        timeout=600,
    )


def verdicts(results: Path) -> dict[str, Any]:
    return json.loads((results / "policy.json").read_text())
