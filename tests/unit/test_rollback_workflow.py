"""The manual rollback workflow: a tier and an optional release id in, the release CLI's
rollback run in the tier's apply environment (from config), serialized with that tier's
applies."""

from __future__ import annotations

import yaml
from support import REPO

WORKFLOW = REPO / ".github" / "workflows" / "rollback.yml"


def test_dispatch_inputs_and_environment():
    wf = yaml.safe_load(WORKFLOW.read_text())
    inputs = wf[True]["workflow_dispatch"]["inputs"]  # YAML 1.1 reads `on:` as True
    assert inputs["tier"]["required"] is True
    assert inputs["release"]["required"] is False
    job = wf["jobs"]["rollback"]
    # The tier's apply environment from config (`tierform environment`), not its typed name:
    # helix's prod deploys in `production`; an environment named `prod` would be one GitHub
    # creates on the fly, with no required reviewers.
    assert job["needs"] == "environment"
    assert job["environment"] == "${{ needs.environment.outputs.environment }}"
    lookup = wf["jobs"]["environment"]
    uses = [s.get("uses") for s in lookup["steps"]]
    assert "./.github/actions/light" in uses and "./.github/actions/setup" not in uses
    step = next(s for s in lookup["steps"] if s.get("id") == "tier")
    # A typed-in tier never reaches make, which would expand `$(…)` in it.
    assert step["run"] == (
        '.venv-light/bin/python -m tierform environment --tier "$TIER" --job apply --github-output'
    )
    assert step["env"] == {"TIER": "${{ inputs.tier }}"}
    assert lookup["outputs"]["environment"] == "${{ steps.tier.outputs.environment }}"
    # The same group as deploy.yml's apply job: never while the tier is being applied.
    assert job["concurrency"] == {
        "group": "tierform-apply-${{ inputs.tier }}",
        "cancel-in-progress": False,
    }


def test_inputs_reach_the_command_through_the_environment_only():
    """No `${{ inputs.… }}` inside a run: a release id cannot become shell code."""
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["rollback"]
    runs = [s["run"] for s in job["steps"] if "run" in s]
    assert all("${{" not in run for run in runs)
    assert job["env"] == {"TIER": "${{ inputs.tier }}", "RELEASE": "${{ inputs.release }}"}
    assert any(
        r.startswith('.venv/bin/python -m tierform release rollback --tier "$TIER"') for r in runs
    )
    assert any("release summary --github-summary" in r for r in runs)


def test_approval_is_enforced_before_the_rollback():
    """As deploy.yml's apply: with `approval: true`, the environment must have required
    reviewers (approval-check fails closed) before the tier's release is switched."""
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["rollback"]
    runs = [s.get("run", "") for s in job["steps"]]
    check = runs.index('.venv/bin/python -m tierform approval-check --tier "$TIER"')
    rollback = next(i for i, r in enumerate(runs) if "tierform release rollback" in r)
    assert check < rollback
    assert job["permissions"]["actions"] == "read"
