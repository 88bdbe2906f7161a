"""Running the project's own cdktf CLI (`node_modules/.bin/cdktf`), as a user runs it.

PR CI runs `cdktf diff <tier>` and merges run `cdktf deploy <tier>`: the commands the README
tells users to run, not a re-implementation of them. The output is shown as it comes (a
deploy runs the release steps, which take minutes) and kept, so a failure can be reported
by its first error line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tierform.config.base import check_stack_name

# Another cdktf binary than the project's pinned one (e.g. a global install).
CLI_VARIABLE = "TIERFORM_CDKTF"
PROJECT_CLI = Path("node_modules") / ".bin" / "cdktf"

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
_ERROR = re.compile(r"\bError:\s*(?P<text>\S.*)$")
# Terraform's diagnostics box (╷ │ ╵) and the CLI's spinner glyphs around a message.
_DECORATION = " \t│╷╵⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class CdktfCliError(RuntimeError):
    """The cdktf CLI cannot be run at all (not installed)."""


@dataclass(frozen=True)
class CliResult:
    returncode: int
    output: str  # stdout and stderr, interleaved as printed, ANSI codes removed


def cdktf_binary(root: Path) -> str:
    override = os.environ.get(CLI_VARIABLE)
    if override:
        return override
    project = root / PROJECT_CLI
    if project.is_file():
        return str(project)
    found = shutil.which("cdktf")
    if found is None:
        raise CdktfCliError(
            f"{project}: the cdktf CLI is not installed (run `make setup`, which runs `npm ci`)"
        )
    return found


# The file `cdktf diff` has Terraform save its plan in, in the stack folder (cli-core
# terraform-cli.js: `-out plan`).
PLAN_FILE = "plan"


def cli_env(
    stack: str,
    *,
    config: Path | None = None,
    lock: bool = True,
    save_cloud_plan: bool = False,
) -> dict[str, str]:
    env = dict(os.environ)
    # `cdktf diff` has no -lock or -out flag; Terraform reads extra plan flags from here.
    plan_flags = [env.get("TF_CLI_ARGS_plan", "")]
    if not lock:
        # Plans with read-only credentials cannot take the state lock (and must not block
        # an apply).
        plan_flags.append("-lock=false")
    if save_cloud_plan:
        # cdktf passes `-out plan` only to stacks without a `cloud` backend (cli-core's
        # isCloudStack), from before Terraform 1.6 could save a cloud plan. It can now: the
        # file is a bookmark of the HCP Terraform run, which `terraform show -json` reads
        # and `terraform apply FILE` applies, so such a tier is reviewed and applied like
        # the others.
        plan_flags.append(f"-out={PLAN_FILE}")
    flags = " ".join(flag for flag in plan_flags if flag)
    if flags:
        env["TF_CLI_ARGS_plan"] = flags
    # The CLI launches the app (main.py) for its synth: only this stack, so a tier's job
    # neither waits for nor imports the providers of the other tiers.
    env["TIERFORM_TIERS"] = stack
    if config is not None:
        env["TIERFORM_CONFIG"] = str(config)
    # CI=true: plain log lines instead of the interactive spinner; no prompts, no phoning home.
    env.setdefault("CI", "true")
    env.setdefault("TF_IN_AUTOMATION", "1")
    env.setdefault("CHECKPOINT_DISABLE", "1")
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    return env


def run(
    args: list[str],
    *,
    stack: str,
    root: Path = Path("."),
    config: Path | None = None,
    lock: bool = True,
    save_cloud_plan: bool = False,
) -> CliResult:
    """`cdktf ARGS` in `root` (the project folder, where cdktf.json is), output teed."""
    try:
        # Validated configs never get here with such a stack; a library app's could.
        check_stack_name(stack)
    except ValueError as exc:
        raise CdktfCliError(str(exc)) from None
    cmd = [cdktf_binary(root), *args]
    lines: list[str] = []
    with subprocess.Popen(
        cmd,
        cwd=root,
        env=cli_env(stack, config=config, lock=lock, save_cloud_plan=save_cloud_plan),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            lines.append(_ANSI.sub("", line))
    return CliResult(proc.returncode, "".join(lines))


def first_error_line(output: str) -> str | None:
    """The first `Error: …` line of the CLI's output (Terraform's, or the CLI's own), without
    the stack-name prefix and box drawing the CLI adds."""
    for raw in output.splitlines():
        match = _ERROR.search(raw)
        if match:
            text = match["text"].strip(_DECORATION)
            if text:
                return f"Error: {text}"
    return None
