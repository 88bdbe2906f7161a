"""Running the terraform binary inside a synthesized stack folder (cdktf.out/stacks/<stack>).

`cdktf diff|deploy` are wrappers around exactly these commands; calling terraform directly
lets CI save the plan file, export it as JSON and apply that very file later.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT_OUTDIR = Path("cdktf.out")


class TerraformError(RuntimeError):
    """A terraform command failed; the message says which and why."""


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def stack_dir(stack: str, outdir: Path = DEFAULT_OUTDIR) -> Path:
    folder = outdir / "stacks" / stack
    if not (folder / "cdk.tf.json").is_file():
        raise TerraformError(
            f"{folder}: no synthesized stack {stack!r} here; run `make synth` "
            f"(or `TIERFORM_TIERS={stack} make synth`) first"
        )
    return folder


def terraform_binary() -> str:
    found = shutil.which("terraform")
    if found is None:
        raise TerraformError("terraform is not on PATH (Tierform needs Terraform >= 1.5)")
    return found


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # No prompts, no colour codes in logs and PR comments, no phoning home.
    env.setdefault("TF_IN_AUTOMATION", "1")
    env.setdefault("TF_INPUT", "0")
    env.setdefault("CHECKPOINT_DISABLE", "1")
    return env


def run(folder: Path, *args: str, stream: bool = False, timeout: float | None = None) -> Result:
    """terraform ARGS in `folder`. `stream` passes output through (long plans in CI logs)."""
    cmd = [terraform_binary(), *args]
    if stream:
        proc = subprocess.run(cmd, cwd=folder, env=_env(), timeout=timeout)
        return Result(proc.returncode, "", "")
    proc = subprocess.run(
        cmd, cwd=folder, env=_env(), capture_output=True, text=True, timeout=timeout
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def init(folder: Path) -> None:
    result = run(folder, "init", "-input=false", "-no-color")
    if result.returncode != 0:
        raise TerraformError(f"terraform init failed in {folder}:\n{_tail(result.output)}")


def show_json(folder: Path, plan_file: Path) -> str:
    result = run(folder, "show", "-json", "-no-color", str(plan_file.resolve()))
    if result.returncode != 0:
        raise TerraformError(f"terraform show -json {plan_file} failed:\n{_tail(result.output)}")
    return result.stdout


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run_tee(folder: Path, *args: str) -> Result:
    """terraform ARGS with output shown as it comes (an apply runs the release steps, which
    take minutes) and also kept, to recognise failures such as a stale plan."""
    cmd = [terraform_binary(), *args]
    lines: list[str] = []
    with subprocess.Popen(
        cmd, cwd=folder, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            lines.append(line)
    return Result(proc.returncode, "".join(lines), "")
