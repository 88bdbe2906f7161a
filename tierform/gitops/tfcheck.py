"""`tierform tfcheck`: is every synthesized stack valid Terraform?

Each stack's cdk.tf.json is copied to a scratch folder without its state backend and
`terraform init -backend=false` runs there (offline with a provider mirror). Configuration
errors — an invalid validation condition, a malformed block — come first; a valid
configuration whose providers this machine cannot fetch fails only with "Failed to query
available provider packages", which is not the stack's fault. When every provider of the
stack is installed (the terraform_data-only local tier, AWS-only stacks, or any stack on a
runner that can reach the registry), `terraform validate` runs too: it resolves every
reference and checks every attribute against the provider schema. Where it cannot run, the
references are still resolved against the declared blocks (tf_references.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from tierform.gitops.terraform import DEFAULT_OUTDIR, TerraformError, terraform_binary
from tierform.gitops.tf_references import undeclared

EXIT_BROKEN = 1
EXIT_USAGE = 2
# The one init failure that says "this machine cannot fetch the provider", not "the stack
# is wrong": with no registry (and the provider not in the mirror) Terraform reports it.
PROVIDER_UNAVAILABLE = "Failed to query available provider packages"
_ERROR = re.compile(r"^(?:│ )?Error: (?P<summary>.+)$")
# init's preamble before the configuration errors it found: not itself the problem.
_PREAMBLE = "Terraform encountered problems during initialisation"
PLUGIN_CACHE = Path(".tierform") / "plugin-cache"


@dataclass(frozen=True)
class StackCheck:
    stack: str
    status: str  # "validated" | "ok" (init passed as far as the providers here allow) | "error"
    detail: str = ""

    @property
    def line(self) -> str:
        text = {
            "validated": "ok, validated",
            "ok": "ok (init and references; providers not available here, validate skipped)",
        }.get(self.status, f"error: {self.detail}")
        return f"{self.stack}: {text}"


def error_summaries(output: str) -> list[str]:
    return [
        m["summary"].strip()
        for line in output.splitlines()
        if (m := _ERROR.match(line)) and not m["summary"].startswith(_PREAMBLE)
    ]


def _first_error(output: str) -> str:
    summaries = error_summaries(output)
    if not summaries:
        lines = [line for line in output.strip().splitlines() if line.strip()]
        return lines[-1] if lines else "terraform failed without output"
    # The summary plus the first line that says where, when terraform gives one.
    detail = summaries[0]
    for line in output.splitlines():
        stripped = line.strip("│ ").strip()
        if stripped.startswith("on ") and " line " in stripped:
            return f"{detail} ({stripped.rstrip(':')})"
    return detail


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TF_IN_AUTOMATION", "1")
    env.setdefault("TF_INPUT", "0")
    env.setdefault("CHECKPOINT_DISABLE", "1")
    # A shared plugin cache: the second init of a stack with the AWS provider links it
    # instead of copying ~600 MB again. With no lock file, Terraform only uses the cache
    # when told it may.
    if not env.get("TF_PLUGIN_CACHE_DIR"):
        cache.mkdir(parents=True, exist_ok=True)
        env["TF_PLUGIN_CACHE_DIR"] = str(cache.resolve())
    env.setdefault("TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE", "1")
    return env


def offline_copy(stack_json: dict) -> dict:
    """The configuration without its state backend (`backend` or HCP Terraform `cloud`):
    checking a configuration needs no state and no credentials."""
    copy = json.loads(json.dumps(stack_json))
    settings = copy.get("terraform", {})
    settings.pop("backend", None)
    settings.pop("cloud", None)
    return copy


def check_stack(stack: str, config_file: Path, *, cache: Path = PLUGIN_CACHE) -> StackCheck:
    try:
        stack_json = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return StackCheck(stack, "error", f"{config_file}: not readable JSON ({exc})")
    env = _env(cache)
    terraform = terraform_binary()
    with tempfile.TemporaryDirectory(prefix=f"tfcheck-{stack}-") as work:
        # Indented, so terraform's "on cdk.tf.json line N" points at one readable line.
        Path(work, "cdk.tf.json").write_text(json.dumps(offline_copy(stack_json), indent=1))

        def run(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run(
                [terraform, *args, "-no-color"],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )

        init = run("init", "-backend=false", "-input=false")
        output = init.stdout + init.stderr
        if init.returncode != 0:
            blocking = [s for s in error_summaries(output) if s != PROVIDER_UNAVAILABLE]
            if blocking or PROVIDER_UNAVAILABLE not in output:
                return StackCheck(stack, "error", _first_error(output))
            # No validate without the providers: resolve the references ourselves.
            dangling = undeclared(stack_json)
            if dangling:
                return StackCheck(stack, "error", dangling[0])
            return StackCheck(stack, "ok")
        validate = run("validate")
        if validate.returncode != 0:
            return StackCheck(stack, "error", _first_error(validate.stdout + validate.stderr))
    return StackCheck(stack, "validated")


def synthesized_stacks(outdir: Path) -> dict[str, Path]:
    root = outdir / "stacks"
    if not root.is_dir():
        return {}
    return {
        folder.name: folder / "cdk.tf.json"
        for folder in sorted(root.iterdir())
        if (folder / "cdk.tf.json").is_file()
    }


def tfcheck_command(
    outdir: Annotated[Path, typer.Option("--outdir", help="cdktf output folder")] = DEFAULT_OUTDIR,
    stack: Annotated[
        list[str] | None, typer.Option("--stack", help="check only this stack (repeatable)")
    ] = None,
) -> None:
    """terraform init (offline) and, where every provider is at hand, validate on every stack."""
    found = synthesized_stacks(outdir)
    if not found:
        print(f"{outdir}/stacks: no synthesized stack here; run `make synth` first")
        raise typer.Exit(EXIT_USAGE)
    unknown = [name for name in stack or [] if name not in found]
    if unknown:
        print(f"--stack {unknown[0]}: not synthesized in {outdir} (stacks: {', '.join(found)})")
        raise typer.Exit(EXIT_USAGE)
    if shutil.which("terraform") is None:
        print("terraform is not on PATH (tfcheck needs Terraform >= 1.5)")
        raise typer.Exit(EXIT_USAGE)
    broken = 0
    for name, config_file in found.items():
        if stack and name not in stack:
            continue
        try:
            result = check_stack(name, config_file)
        except (TerraformError, subprocess.TimeoutExpired, OSError) as exc:
            result = StackCheck(name, "error", str(exc).splitlines()[0])
        print(result.line, flush=True)
        broken += result.status == "error"
    if broken:
        raise typer.Exit(EXIT_BROKEN)
