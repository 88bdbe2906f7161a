"""The GitHub Actions workflows: actionlint passes on every one (so `make test` checks them,
as `make lint` does), and the properties the pipeline relies on hold."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from support import REPO, run_tierform_in_process

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
    # (.venv-light: the light jobs' CLI, called directly where a typed-in value would go
    # through make, which expands `$(…)` in command-line values.)
    allowed = re.compile(
        r"^(make |TIERFORM_TIERS=\"\$\w+\" make |\.venv(-light)?/bin/python -m tierform )"
    )
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


ACTIONS = sorted((REPO / ".github" / "actions").glob("*/action.yml"))
_PINNED = re.compile(r"^\s*-?\s*uses:\s*(?P<ref>\S+)(?P<rest>.*)$")


def _uses_lines():
    for path in [*WORKFLOWS, *ACTIONS]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = _PINNED.match(line)
            if match:
                yield f"{path.relative_to(REPO)}:{number}", match["ref"], match["rest"]


def test_every_third_party_action_is_pinned_by_commit_sha():
    """Issue 18.7: a tag can be moved to other code; a full commit SHA cannot. The tag it
    was taken from stays readable in a `# vX.Y.Z` comment."""
    seen = 0
    for where, ref, rest in _uses_lines():
        if ref.startswith("./"):
            continue  # our own composite actions, in this repository
        seen += 1
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), f"{where}: {ref} not pinned"
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", rest), f"{where}: no `# vX.Y.Z` after {ref}"
    assert seen >= 10


def test_one_action_carries_the_credentials():
    """No workflow spells out credentials: each tier job uses the tier-env action."""
    for wf in WORKFLOWS:
        text = wf.read_text()
        for name in ("SNOWFLAKE_PRIVATE_KEY", "DATABRICKS_CLIENT_SECRET", "secrets."):
            assert name not in text, f"{wf.name} names {name}; use ./.github/actions/tier-env"


# The only shapes a job's `environment:` may take: a matrix entry or a job output that a
# tierform command computed from the promotion rules (`promotion`, `ci targets`,
# `environment`, `sandbox-stack`), never a tier's name with or without a suffix.
_COMPUTED_ENVIRONMENT = re.compile(
    r"\$\{\{\s*(matrix\.(plan_)?environment|needs\.[\w-]+\.outputs\.environment)\s*\}\}"
)


def _environment_problem(job: dict) -> str | None:
    environment = job.get("environment")
    if isinstance(environment, dict):  # {name: ..., url: ...}
        environment = environment.get("name")
    if environment is None:
        uses = [s.get("uses") for s in job.get("steps", [])]
        if "./.github/actions/tier-env" in uses:
            return "loads a tier's credentials without an environment"
        return None
    if not _COMPUTED_ENVIRONMENT.fullmatch(str(environment)):
        return f"environment {environment!r} is not one tierform computed from config"
    if "matrix." in str(environment):
        matrix = job.get("strategy", {}).get("matrix")
        if not (
            isinstance(matrix, str)
            and re.fullmatch(r"\$\{\{ fromJSON\(needs\.[\w.-]+\) \}\}", matrix)
        ):
            return f"matrix {matrix!r} is not a tierform output (fromJSON(needs.<job>.outputs…))"
    return None


def test_no_job_environment_is_built_from_a_tier_name():
    """promotion.tiers.<tier>.environment / plan_environment (config/platform.yaml) decide a
    tier's GitHub environments; a job in `${{ inputs.tier }}` or `${{ matrix.tier }}-plan`
    ignores them (and GitHub creates the missing environment, with no reviewers)."""
    checked = 0
    for wf in WORKFLOWS:
        for name, job in yaml.safe_load(wf.read_text())["jobs"].items():
            problem = _environment_problem(job)
            assert problem is None, f"{wf.name}: job {name}: {problem}"
            checked += "environment" in job
    # pr (plan, data-ci), pr-closed, data-ci-sweep, deploy (plan, apply), drift, rollback, sandbox
    assert checked >= 9


@pytest.mark.parametrize(
    "environment",
    [
        "${{ matrix.tier }}-plan",
        "${{ matrix.tier }}",
        "${{ inputs.tier }}",
        "${{ inputs.stack }}",
        "${{ env.TIER }}",
        "prod",
        "${{ matrix.environment }}-plan",
        "${{ needs.environment.outputs.environment || inputs.tier }}",
        {"name": "${{ inputs.tier }}"},
    ],
)
def test_the_environment_check_catches_a_tier_name(environment):
    job = {"strategy": {"matrix": "${{ fromJSON(needs.t.outputs.targets) }}"}}
    assert _environment_problem(job | {"environment": environment}) is not None


def test_the_environment_check_catches_a_hand_written_matrix_and_missing_environment():
    job = {"environment": "${{ matrix.plan_environment }}"}
    hand_written = {"matrix": {"plan_environment": ["prod-plan"], "tier": ["prod"]}}
    assert "not a tierform output" in _environment_problem(job | {"strategy": hand_written})
    steps = {"steps": [{"uses": "./.github/actions/tier-env"}]}
    assert "without an environment" in _environment_problem(steps)


def test_sandbox_accepts_only_declared_sandbox_stacks():
    workflow = load("sandbox.yml")
    check, sandbox = workflow["jobs"]["check"], workflow["jobs"]["sandbox"]
    # The typed-in stack goes to the light install's CLI, never through make, which would
    # expand `$(…)` in a command-line value.
    assert any(
        s.get("run", "").startswith(
            '.venv-light/bin/python -m tierform sandbox-stack --stack "$STACK"'
        )
        for s in check["steps"]
    )
    assert sandbox["needs"] == "check"
    # The typed-in name reaches the deploying job only through the check's output.
    text = yaml.safe_dump(sandbox)
    assert "inputs.stack" not in text
    assert sandbox["env"]["STACK"] == "${{ needs.check.outputs.stack }}"
    assert sandbox["environment"] == "${{ needs.check.outputs.environment }}"
    runs = [s.get("run", "") for s in sandbox["steps"]]
    apply_at = next(i for i, r in enumerate(runs) if r.startswith("make apply-plan"))
    gates = [i for i, r in enumerate(runs) if "-m tierform policy" in r]
    assert len(gates) == 2 and all(i < apply_at for i in gates)


@pytest.mark.parametrize(
    ("config", "stack", "code"),
    [
        ("config", "dev-alice", 0),
        ("config", "dev", 2),  # a tier, not a sandbox: dev with destroy would remove dev
        ("config", "prod", 2),
        ("config", "dev-mallory", 2),
        ("tests/fixtures/platforms/helix/config", "dev-carol", 0),
        ("tests/fixtures/platforms/helix/config", "qa", 2),
    ],
)
def test_sandbox_stack_command(config, stack, code, tmp_path):
    output = tmp_path / "out"
    result = run_tierform_in_process(
        "sandbox-stack", "--stack", stack, "--config", config, "--github-output",
        GITHUB_OUTPUT=str(output),
    )  # fmt: skip
    assert result.returncode == code, result.stderr
    if code == 0:
        assert f"stack={stack}\n" in output.read_text()
    else:
        assert "is not a sandbox stack" in result.stderr and not output.exists()
        assert len(result.stderr.strip().splitlines()) == 1


def test_deploy_applies_in_the_mode_of_the_promotion_rule():
    steps = load("deploy.yml")["jobs"]["apply"]["steps"]
    by_if = {s.get("if"): s.get("run") for s in steps if "run" in s}
    assert by_if["matrix.apply == 'deploy'"] == 'make ci-apply TIER="$TIER"'
    assert by_if["matrix.apply == 'reviewed-plan'"] == (
        'make ci-apply TIER="$TIER" PLAN="plans/$TIER.tfplan"'
    )


def test_pr_comment_always_posts_and_sarif_comes_from_the_gate():
    pr = load("pr.yml")["jobs"]
    assert pr["comment"]["if"].startswith("always()")
    upload = next(s for s in pr["checks"]["steps"] if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == "results/policy/policy.sarif"
    gate = next(s for s in pr["checks"]["steps"] if "-m tierform policy" in s.get("run", ""))
    assert "--results results/policy" in gate["run"]
    plan_upload = next(s for s in pr["plan"]["steps"] if "upload-artifact" in s.get("uses", ""))
    assert plan_upload["if"] == "always()"
    assert "plans/${{ matrix.tier }}.status.json" in plan_upload["with"]["path"]
    runs = [s.get("run", "") for s in pr["checks"]["steps"]]
    assert runs.index("make tfcheck") == runs.index("make synth") + 1


def test_the_complete_destroy_list_is_uploaded_after_the_comment_and_never_blocks_it():
    steps = load("pr.yml")["jobs"]["comment"]["steps"]
    post = next(i for i, s in enumerate(steps) if "pr-comment" in s.get("run", ""))
    upload = next(i for i, s in enumerate(steps) if "upload-artifact" in s.get("uses", ""))
    assert upload > post  # a failed upload cannot skip the comment
    step = steps[upload]
    assert step["if"] == "always()" and step["continue-on-error"] is True
    assert "plans/summary.destroys.md" in step["with"]["path"]  # plan-summary -o's default
    download = next(s for s in steps if "download-artifact" in s.get("uses", ""))
    # Never a name a tier's plan artifact could take (plan-<tier>) or the download matches.
    assert not re.fullmatch(download["with"]["pattern"].replace("*", ".*"), step["with"]["name"])
    assert step["with"]["overwrite"] is True  # a re-run of the job uploads again


def test_deciding_jobs_use_the_light_setup():
    """A ref that deploys nothing costs one light job: no cdktf, Terraform, dbt or Airflow."""
    for name in ("pr.yml", "deploy.yml", "drift.yml"):
        uses = [s.get("uses") for s in load(name)["jobs"]["promotion"]["steps"]]
        assert "./.github/actions/light" in uses and "./.github/actions/setup" not in uses


def test_every_workflow_reads_the_configuration_folder_from_one_repository_variable():
    # Without it a fork whose platform is in platforms/<x>/config planned and deployed the
    # example's config/ without a word.
    for wf in WORKFLOWS:
        env = yaml.safe_load(wf.read_text()).get("env") or {}
        assert env.get("TIERFORM_CONFIG") == "${{ vars.TIERFORM_CONFIG || 'config' }}", wf.name
        for job in yaml.safe_load(wf.read_text())["jobs"].values():
            assert "TIERFORM_CONFIG" not in (job.get("env") or {}), wf.name  # one place
