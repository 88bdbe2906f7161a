"""Options several commands share, defined once (typer `Annotated` types)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tierform.config.errors import CONFIG_VARIABLE

# `--config`, default `config`, or TIERFORM_CONFIG.
ConfigOption = Annotated[
    Path, typer.Option("--config", envvar=CONFIG_VARIABLE, help="configuration folder")
]
# `--github-output` of the light commands whose outputs a workflow's next job reads.
TierEnvironmentOutput = Annotated[
    bool, typer.Option("--github-output", help="also write tier= and environment= outputs")
]
