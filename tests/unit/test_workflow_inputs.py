"""Every input a tier's CI jobs need is supplied by the workflow that runs them: for each
tier of the example AND of the second platform (helix), the inputs `tierform inputs`
derives from the synthesized stack and the config are checked against the workflow YAML
(the tier-env step, or the job's own env). Removing one input from a workflow fails it."""

from __future__ import annotations

import copy

import pytest
import yaml
from support import PLATFORMS, REPO, shared_synth, stack_json
from workflow_inputs import TIER_ENV, TIER_JOBS, unsupplied

from tierform.config import load_platform
from tierform.gitops.inputs import derive, for_job

WORKFLOWS = REPO / ".github" / "workflows"


def _workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


@pytest.fixture(scope="module")
def platforms(tmp_path_factory):
    """(platform, outdir) per platform, every stack synthesized for real."""
    built = {}
    for name, config in PLATFORMS.items():
        built[name] = (load_platform(config), config, shared_synth(name, tmp_path_factory))
    return built


def _required(platforms, name: str, stack: str, kind: str):
    platform, config, outdir = platforms[name]
    return for_job(derive(platform, stack, stack_json(outdir, stack), config.parent), kind)


def _ci_stacks(platform, workflow: str, job: str = "") -> list[str]:
    rules = platform.platform.promotion.tiers
    if (workflow, job) == ("pr.yml", "data-ci"):
        return list(platform.platform.ci.targets)
    if workflow == "sandbox.yml":
        return [s.stack for s in platform.sandboxes]
    tiers = [t for t in platform.platform.tiers if t in rules]
    if workflow in ("pr.yml", "drift.yml"):
        return [t for t in tiers if rules[t].plan]
    return tiers


@pytest.mark.parametrize("platform_name", sorted(PLATFORMS))
@pytest.mark.parametrize(("workflow", "job"), sorted(TIER_JOBS))
def test_every_required_input_is_supplied(platforms, platform_name, workflow, job):
    platform = platforms[platform_name][0]
    stacks = _ci_stacks(platform, workflow, job)
    assert stacks, f"{platform_name}: no stack runs {workflow}"
    definition = _workflow(workflow)["jobs"][job]
    kind = TIER_JOBS[(workflow, job)]
    for stack in stacks:
        required = _required(platforms, platform_name, stack, kind)
        assert unsupplied(definition, kind, required) == [], (platform_name, stack)


def test_the_inputs_are_real(platforms):
    """The check is not vacuous: prod needs the deployed commit and the dbt user's key."""
    names = {i.name for i in _required(platforms, "example", "prod", "apply")}
    assert {"TF_VAR_databricks_git_commit", "SNOWFLAKE_DBT_PRIVATE_KEY"} <= names
    assert "TF_VAR_snowflake_airflow_rsa_public_key" in names
    helix = {i.name for i in _required(platforms, "helix", "uat", "apply")}
    # uat runs dbt on dbt Cloud: its token and the credential's key, no profile variable
    assert {"ASTRO_API_TOKEN", "TF_TOKEN_app_terraform_io", "DBT_CLOUD_TOKEN"} <= helix
    assert "SNOWFLAKE_TRANSFORM_PRIVATE_KEY" in helix
    assert "HELIX_QUERY_TAG" in {i.name for i in _required(platforms, "helix", "qa", "apply")}
    qa_ci = {i.name for i in _required(platforms, "helix", "qa", "ci")}
    assert "SNOWFLAKE_TRANSFORM_PRIVATE_KEY" in qa_ci  # data CI builds as the dbt identity
    assert not any(name.startswith("TF_VAR_") for name in qa_ci)  # and plans nothing
    qa_plan = {i.name for i in _required(platforms, "helix", "qa", "plan")}
    assert "GOOGLE_CREDENTIALS" in qa_plan and "SNOWFLAKE_TRANSFORM_PRIVATE_KEY" not in qa_plan


def test_removing_the_commit_from_the_apply_job_fails(platforms):
    job = copy.deepcopy(_workflow("deploy.yml")["jobs"]["apply"])
    del job["env"]["TF_VAR_databricks_git_commit"]
    problems = unsupplied(job, "apply", _required(platforms, "example", "prod", "apply"))
    assert problems == ["TF_VAR_databricks_git_commit: job env must set it to ${{ github.sha }}"]


def test_removing_the_tier_env_step_fails(platforms):
    job = copy.deepcopy(_workflow("pr.yml")["jobs"]["plan"])
    job["steps"] = [s for s in job["steps"] if s.get("uses") != TIER_ENV]
    problems = unsupplied(job, "plan", _required(platforms, "helix", "qa", "plan"))
    assert f"no {TIER_ENV} step" in problems
    assert any(p.startswith("GOOGLE_CREDENTIALS: not supplied") for p in problems)


def test_an_apply_job_asking_only_for_plan_inputs_fails(platforms):
    job = copy.deepcopy(_workflow("deploy.yml")["jobs"]["apply"])
    step = next(s for s in job["steps"] if s.get("uses") == TIER_ENV)
    step["with"]["job"] = "plan"
    problems = unsupplied(job, "apply", _required(platforms, "example", "dev", "apply"))
    assert any(p.startswith("SNOWFLAKE_DBT_PRIVATE_KEY") for p in problems)


def test_the_tier_env_action_exports_what_tierform_inputs_derives():
    action = yaml.safe_load((REPO / ".github" / "actions" / "tier-env" / "action.yml").read_text())
    first = action["runs"]["steps"][0]
    assert first["run"].startswith(".venv/bin/python -m tierform inputs ")
    assert "--status-file" in first["run"]
    assert '--github-env "$GITHUB_ENV"' in first["run"]
    assert first["env"]["TIERFORM_GITHUB_SECRETS"] == "${{ inputs.secrets }}"
    assert first["env"]["TIERFORM_GITHUB_VARS"] == "${{ inputs.vars }}"
    aws = action["runs"]["steps"][1]
    assert aws["with"]["role-to-assume"] == "${{ env.TIERFORM_AWS_ROLE_ARN }}"
