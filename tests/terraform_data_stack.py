"""A hand-written stack of `terraform_data` resources (what synth emits for release steps),
in a cdktf-like layout (<outdir>/stacks/<stack>/cdk.tf.json), driven by the real terraform.

terraform_data is built into Terraform: no provider download, so plans and applies run
offline, and every plan JSON the tests read is genuine terraform output.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from support import tool_env


def data(input_value: str | None = None, triggers: dict[str, str] | None = None) -> dict:
    block: dict[str, Any] = {}
    if input_value is not None:
        block["input"] = input_value
    if triggers is not None:
        block["triggers_replace"] = triggers
    return block


class Stack:
    def __init__(self, outdir: Path, name: str = "local"):
        self.outdir = outdir
        self.name = name
        self.dir = outdir / "stacks" / name
        self.dir.mkdir(parents=True, exist_ok=True)
        if shutil.which("terraform") is None:
            raise RuntimeError("terraform is not on PATH")

    def write(self, resources: dict[str, dict]) -> None:
        doc = {
            "terraform": {"required_version": ">= 1.5"},
            "resource": {"terraform_data": resources},
        }
        (self.dir / "cdk.tf.json").write_text(json.dumps(doc, indent=2))

    def tf(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            ["terraform", *args],
            cwd=self.dir,
            env=tool_env(TF_IN_AUTOMATION="1"),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"terraform {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def init(self) -> None:
        self.tf("init", "-input=false", "-no-color")

    def apply(self) -> None:
        self.tf("apply", "-input=false", "-no-color", "-auto-approve")

    def plan_json(self, dest: Path) -> Path:
        plan_file = dest.with_suffix(".tfplan")
        self.tf("plan", "-input=false", "-no-color", f"-out={plan_file}")
        dest.write_text(self.tf("show", "-json", str(plan_file)).stdout)
        return dest
