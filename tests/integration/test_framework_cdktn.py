"""The framework seam, for real: the same checkout synthesized with cdktf 0.21 (.venv, the
default) and with CDK Terrain (`cdktn`, .venv-cdktn from requirements/cdktn.lock, installed by
`make setup`) gives the same Terraform, apart from version fields.

What is normalized, and only that:
- `//.metadata.version`: the framework's version (0.21.0 vs 0.24.0);
- `terraform.required_providers.<name>.version`: cdktn's provider packages wrap newer
  providers (Snowflake 2.22.0 / Databricks 1.138.0 with cdktn-provider-* 18.x, against
  2.11.0 / 1.99.0) — no cdktn package wraps the pinned ones;
- the release steps' `tool_versions` trigger: it records the dbt/Airflow versions installed
  next to the synth, and .venv-cdktn holds the framework only.
Everything else (every resource, variable, output, backend, provider block) must be equal.
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import pytest
from support import PLATFORMS, REPO, synth_platform, tool_env

pytestmark = pytest.mark.integration

CDKTN_PYTHON = REPO / ".venv-cdktn" / "bin" / "python"


def _synth_with_cdktn(config_dir: Path, outdir: Path) -> None:
    if not CDKTN_PYTHON.exists():
        pytest.fail(f"{CDKTN_PYTHON} is missing: run `make setup` (installs .venv-cdktn)")
    result = subprocess.run(
        [str(CDKTN_PYTHON), str(REPO / "main.py")],
        cwd=REPO,
        env=tool_env(
            TIERFORM_CONFIG=str(config_dir), CDKTF_OUTDIR=str(outdir), TIERFORM_FRAMEWORK="cdktn"
        ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr


def _stacks(outdir: Path) -> dict[str, dict]:
    return {
        p.parent.name: json.loads(p.read_text())
        for p in sorted((outdir / "stacks").glob("*/cdk.tf.json"))
    }


def _normalized(stack: dict) -> dict:
    """The stack without its version fields (see the module docstring)."""
    stack = copy.deepcopy(stack)
    stack.get("//", {}).get("metadata", {}).pop("version", None)
    for provider in stack.get("terraform", {}).get("required_providers", {}).values():
        provider.pop("version", None)
    for block in stack.get("resource", {}).get("terraform_data", {}).values():
        block.get("triggers_replace", {}).pop("tool_versions", None)
    return stack


def _versions(stack: dict) -> tuple[str, dict[str, str]]:
    providers = stack.get("terraform", {}).get("required_providers", {})
    return stack["//"]["metadata"]["version"], {n: p["version"] for n, p in providers.items()}


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_cdktn_synthesizes_the_same_terraform_as_cdktf(platform: str, tmp_path: Path) -> None:
    config_dir = PLATFORMS[platform]
    synth_platform(config_dir, tmp_path / "cdktf.out")
    _synth_with_cdktn(config_dir, tmp_path / "cdktn.out")
    by_cdktf = _stacks(tmp_path / "cdktf.out")
    by_cdktn = _stacks(tmp_path / "cdktn.out")

    assert sorted(by_cdktn) == sorted(by_cdktf)
    for name, stack in by_cdktf.items():
        # Really two frameworks and two provider generations, not the same venv twice.
        framework, providers = _versions(stack)
        other_framework, other_providers = _versions(by_cdktn[name])
        assert (framework, other_framework) == ("0.21.0", "0.24.0"), name
        for provider in {"snowflake", "databricks"} & set(providers):  # aws: our own typed layer
            assert other_providers[provider] != providers[provider], (name, provider)
        assert _normalized(by_cdktn[name]) == _normalized(stack), name
    # The comparison covered resources of every provider the platform uses.
    types = {t for s in by_cdktf.values() for t in s.get("resource", {})}
    assert {"terraform_data", "snowflake_database", "databricks_job"} <= types
