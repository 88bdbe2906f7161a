"""Which folder a synth may replace: its output folder (CDKTF_OUTDIR), and only that.

The synth swaps in a fresh output folder and deletes the one it replaces
(stacks/app.py `synthesize_atomically`). A folder that holds anything but a synth's output
(`manifest.json`, `stacks/`) is not one: `CDKTF_OUTDIR=` (empty: the working directory, the
whole checkout) or `CDKTF_OUTDIR=config` would be deleted. Such a folder is refused before
anything is written or removed. No cdktf import here: the synth checks before it loads cdktf.
"""

from __future__ import annotations

import os
from pathlib import Path

OUTDIR_VARIABLE = "CDKTF_OUTDIR"
DEFAULT_OUTDIR = "cdktf.out"
# What cdktf writes at the top of its output folder (the stack folders below `stacks/` are
# cdktf's and Terraform's: state, plans and lock files are carried across synths there).
SYNTH_OUTPUT = frozenset({"manifest.json", "stacks"})


class OutdirError(ValueError):
    """The output folder is not one a synth may replace (bad input: exit 2)."""

    exit_code = 2


def configured_outdir() -> Path:
    """$CDKTF_OUTDIR, `cdktf.out` when unset or empty (an empty value is not `.`)."""
    return Path(os.environ.get(OUTDIR_VARIABLE) or DEFAULT_OUTDIR)


def check_replaceable(outdir: Path) -> None:
    """Raise OutdirError unless `outdir` is missing, empty or a synth's output folder."""
    if not outdir.exists() and not outdir.is_symlink():
        return
    if not outdir.is_dir() or outdir.is_symlink():
        raise OutdirError(
            f"{OUTDIR_VARIABLE}: {str(outdir)!r} is not a folder the synth made (it is a file or a "
            "link); expected a new folder or a previous synth's output"
        )
    foreign = sorted(entry.name for entry in outdir.iterdir() if entry.name not in SYNTH_OUTPUT)
    if foreign:
        shown = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
        raise OutdirError(
            f"{OUTDIR_VARIABLE}: {str(outdir)!r} holds {shown}, which a synth's output folder "
            "does not (only manifest.json and stacks/); the synth replaces that folder "
            "whole, so it refuses this one: name a new folder (default cdktf.out)"
        )
