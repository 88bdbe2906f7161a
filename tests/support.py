"""Helpers shared by the test suites: the example config, running the real commands."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = REPO / "config"


def tool_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        CHECKPOINT_DISABLE="1",
        TF_CLI_CONFIG_FILE=str(REPO / ".tierform" / "terraformrc"),
    )
    env.pop("TIERFORM_TIERS", None)
    env.update(extra)
    return env


def copy_config(dest: Path) -> Path:
    """A writable copy of the example configuration.

    Release paths in config are relative to the config folder's parent, so `dest` also gets
    `examples/` (a symlink: tests that edit the project use a full repo copy instead).
    """
    target = dest / "config"
    shutil.copytree(EXAMPLE_CONFIG, target)
    if not (dest / "examples").exists():
        (dest / "examples").symlink_to(REPO / "examples", target_is_directory=True)
    return target


def edit_yaml(path: Path, edit) -> None:
    data = yaml.safe_load(path.read_text())
    edit(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def run_synth(config_dir: Path, outdir: Path, *, cwd: Path | None = None, **env: str):
    """Run main.py exactly as `cdktf synth` does (a subprocess with CDKTF_OUTDIR set)."""
    return subprocess.run(
        [sys.executable, str(REPO / "main.py")],
        cwd=cwd or REPO,
        env=tool_env(TIERFORM_CONFIG=str(config_dir), CDKTF_OUTDIR=str(outdir), **env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def stack_json(outdir: Path, stack: str) -> dict[str, Any]:
    return json.loads((outdir / "stacks" / stack / "cdk.tf.json").read_text())


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root with its content, to prove a folder was left untouched."""
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }
