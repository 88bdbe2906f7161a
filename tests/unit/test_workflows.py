"""The GitHub Actions workflows: actionlint passes on every one (so `make test` checks them,
as `make lint` does), and the properties the pipeline relies on hold."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from support import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = REPO / ".venv" / "bin" / "actionlint"
FLAGS = ["-no-color", "-shellcheck=", "-pyflakes=", "-oneline"]


def actionlint(*files: Path, cwd: Path = REPO) -> subprocess.CompletedProcess:
    if not ACTIONLINT.exists():
        pytest.fail(f"{ACTIONLINT} missing: run `make setup` (requirements/actionlint.txt)")
    return subprocess.run(
        [str(ACTIONLINT), *FLAGS, *map(str, files)], cwd=cwd, capture_output=True, text=True
    )


def load(name: str) -> dict:
    return yaml.safe_load((REPO / ".github" / "workflows" / name).read_text())


def test_the_four_workflows_exist():
    assert {w.name for w in WORKFLOWS} >= {"pr.yml", "deploy.yml", "drift.yml", "sandbox.yml"}


def test_actionlint_passes_on_every_workflow():
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    """Proves the check can fail: an undefined matrix key and a job needing a missing job."""
    wf = tmp_path / ".github" / "workflows" / "broken.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(
        "on: push\njobs:\n  a:\n    needs: nope\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - run: echo ${{ matrix.tier }}\n"
    )
    result = actionlint(wf, cwd=tmp_path)
    assert result.returncode == 1
    assert 'needs job "nope" which does not exist' in result.stdout
    assert 'property "tier" is not defined' in result.stdout


def test_run_steps_are_project_commands():
    """Thin YAML: every `run:` is make, the tierform CLI or a one-line variable export."""
    allowed = re.compile(r"^(make |TIERFORM_TIERS=\"\$\w+\" make |\.venv/bin/python -m tierform )")
    for wf in WORKFLOWS:
        for job in yaml.safe_load(wf.read_text())["jobs"].values():
            for step in job.get("steps", []):
                if "run" in step:
                    assert allowed.match(step["run"]), f"{wf.name}: {step['run']!r}"


def test_applies_are_serialized_per_tier_and_never_cancelled():
    apply = load("deploy.yml")["jobs"]["apply"]
    assert apply["concurrency"] == {
        "group": "tierform-apply-${{ matrix.tier }}",
        "cancel-in-progress": False,
    }
    assert apply["strategy"]["max-parallel"] == 1  # promotion order, one tier at a time
    assert apply["environment"] == "${{ matrix.environment }}"  # reviewers on prod
    assert apply["permissions"]["id-token"] == "write"
    sandbox = load("sandbox.yml")["jobs"]["sandbox"]
    assert sandbox["concurrency"]["cancel-in-progress"] is False


def test_tool_versions_are_pinned():
    setup = yaml.safe_load((REPO / ".github" / "actions" / "setup" / "action.yml").read_text())
    withs = {
        s["uses"].split("@")[0]: s.get("with", {}) for s in setup["runs"]["steps"] if "uses" in s
    }
    assert re.fullmatch(r"\d+\.\d+\.\d+", withs["actions/setup-python"]["python-version"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", withs["actions/setup-node"]["node-version"])
    assert withs["hashicorp/setup-terraform"]["terraform_version"] == "1.11.4"
    assert withs["hashicorp/setup-terraform"]["terraform_wrapper"] is False
