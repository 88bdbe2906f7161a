"""The release-step check (CKV_TF_REL_001, real checkov) flags every secret shape of the
hostile suite under a neutral name, in the environment and as a command flag, and passes
content hashes and variable references. Its shapes are the ones config validation uses
(tierform_secret_shapes.py), so the two cannot drift apart."""

from __future__ import annotations

from pathlib import Path

from hostile_values import SECRETS
from policy_support import run_policy, verdicts, write_stack


def _step(environment: dict[str, str], command: str = "python -m tierform.release dbt --tier dev"):
    return {
        "triggers_replace": {"content_sha256": "0" * 64, "tier": "dev"},
        "provisioner": [{"local-exec": {"command": command, "environment": environment}}],
    }


def test_every_secret_shape_is_flagged_in_release_steps(tmp_path: Path):
    steps = {}
    for name, value in sorted(SECRETS.items()):
        steps[f"env_{name}"] = _step({"NEUTRAL_VALUE": value})
        if "\n" not in value:
            steps[f"cmd_{name}"] = _step({}, f"tool --input '{value}' --tier dev")
    steps["clean_hash"] = _step({"CONTENT": "a" * 64})
    steps["clean_reference"] = _step({"DATABRICKS_TOKEN": "${var.databricks_token}"})
    outdir = tmp_path / "cdktf.out"
    write_stack(outdir, "dev-hostile", {"terraform_data": steps})
    result = run_policy("--outdir", str(outdir), "--results", str(tmp_path / "r"), cwd=tmp_path)
    data = verdicts(tmp_path / "r")
    flagged = {
        f["resource"].split(".", 1)[1]
        for f in data["findings"]
        if f["check"] == "CKV_TF_REL_001" and f["verdict"] in ("fail", "warn")
    }
    missed = sorted(set(steps) - {"clean_hash", "clean_reference"} - flagged)
    assert not missed, (missed, result.stdout[-2000:])
    assert not flagged & {"clean_hash", "clean_reference"}
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
