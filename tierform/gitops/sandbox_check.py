"""`tierform sandbox-stack --stack S`: is S a developer sandbox stack of this config?

The sandbox workflow deploys or destroys what a person types in; only `<tier>-<developer>`
stacks that the config declares may pass (never a tier: `dev` with `destroy` would remove
the dev tier with its write credentials). Prints the sandbox's tier and the GitHub
environment its credentials live in (the tier's apply environment).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tierform.cli_options import ConfigOption, TierEnvironmentOutput
from tierform.command_io import append_github_file
from tierform.config import EXIT_BAD_INPUT, ConfigError, load_platform
from tierform.config.promotion import apply_environment


def sandbox_stack_command(
    stack: Annotated[str, typer.Option("--stack", help="sandbox stack, e.g. dev-alice")],
    config: ConfigOption = Path("config"),
    github_output: TierEnvironmentOutput = False,
) -> None:
    """Accept only a declared sandbox stack (exit 2 otherwise)."""
    try:
        platform = load_platform(config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    found = next((s for s in platform.sandboxes if s.stack == stack), None)
    if found is None:
        declared = ", ".join(s.stack for s in platform.sandboxes) or "none declared"
        print(
            f"stack {stack!r} is not a sandbox stack of {config} (sandboxes: {declared})",
            file=sys.stderr,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    environment = apply_environment(platform.platform.promotion, found.tier.name)
    print(
        f"{stack}: sandbox of {found.developer.name} on tier {found.tier.name} "
        f"(GitHub environment {environment!r})"
    )
    if github_output:
        append_github_file(
            "GITHUB_OUTPUT",
            f"stack={stack}\ntier={found.tier.name}\nenvironment={environment}\n",
            "sandbox-stack",
        )
