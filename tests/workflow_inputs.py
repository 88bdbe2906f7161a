"""Which inputs a workflow job supplies, read from the workflow YAML — shared by the
required-input tests (tests/unit/test_workflow_inputs.py)."""

from __future__ import annotations

from tierform.gitops.inputs import Input

TIER_ENV = "./.github/actions/tier-env"
# (workflow, job) → the kind of job `tierform inputs --job` knows it as.
TIER_JOBS = {
    ("pr.yml", "plan"): "plan",
    ("pr.yml", "data-ci"): "ci",
    ("deploy.yml", "plan"): "plan",
    ("deploy.yml", "apply"): "apply",
    ("drift.yml", "drift"): "plan",
    ("sandbox.yml", "sandbox"): "apply",
}
# Steps that need the inputs: they must come after the tier-env step. The ledger readers
# too: promotion-check reads the required tiers' ledgers with the credentials it exports.
_TIERFORM = ".venv/bin/python -m tierform "
_USES_INPUTS = (
    "make diff",
    "make ci-apply",
    "make drift",
    "make plan ",
    "make apply-plan",
    _TIERFORM + "promotion-check",
    _TIERFORM + "release protection-check",
    _TIERFORM + "release deployed",
)


def unsupplied(job: dict, kind: str, required: list[Input]) -> list[str]:
    """Names of the required inputs this job does not supply, with the reason."""
    env = job.get("env") or {}
    steps = job.get("steps") or []
    index = next((i for i, s in enumerate(steps) if s.get("uses") == TIER_ENV), None)
    problems = []
    step_ok = False
    if index is None:
        problems.append(f"no {TIER_ENV} step")
    else:
        given = steps[index].get("with") or {}
        first_use = next(
            (i for i, s in enumerate(steps) if str(s.get("run", "")).startswith(_USES_INPUTS)),
            len(steps),
        )
        step_ok = (
            given.get("job") == kind
            and given.get("secrets") == "${{ toJSON(secrets) }}"
            and given.get("vars") == "${{ toJSON(vars) }}"
            and index < first_use
        )
        if not step_ok:
            problems.append(f"{TIER_ENV} step: wrong job/secrets/vars or after its first use")
    for item in required:
        if item.source == "workflow":
            if env.get(item.name) != item.github_name:
                problems.append(f"{item.name}: job env must set it to {item.github_name}")
        elif not step_ok:
            problems.append(f"{item.name}: not supplied ({item.where('…')})")
    return problems
