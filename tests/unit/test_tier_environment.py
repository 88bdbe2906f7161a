"""`tierform environment --tier T --job J`: the GitHub environment of a tier's job, from the
promotion rules, as `tierform promotion` computes it (rollback.yml runs in what it says)."""

from __future__ import annotations

import pytest
from support import EXAMPLE_CONFIG, HELIX_CONFIG, PLATFORMS, run_tierform_in_process

from tierform.config import load_platform
from tierform.gitops.promotion import decide


def _environment(config, tier: str, job: str, tmp_path, **env: str):
    output = tmp_path / "github_output"
    result = run_tierform_in_process(
        "environment", "--tier", tier, "--job", job, "--config", str(config), "--github-output",
        GITHUB_OUTPUT=str(output), **env,
    )  # fmt: skip
    return result, output


@pytest.mark.parametrize(
    ("config", "tier", "job", "expected"),
    [
        # helix: uat and prod name their environments, prod its plan environment too.
        (HELIX_CONFIG, "prod", "apply", "production"),
        (HELIX_CONFIG, "prod", "plan", "production-readonly"),
        (HELIX_CONFIG, "uat", "apply", "acceptance"),
        (HELIX_CONFIG, "uat", "ci", "acceptance-plan"),
        # The defaults: the tier name, and "<environment>-plan" (also for a tier without a
        # promotion rule, such as local).
        (HELIX_CONFIG, "qa", "apply", "qa"),
        (HELIX_CONFIG, "local", "plan", "local-plan"),
        (EXAMPLE_CONFIG, "prod", "apply", "prod"),
        (EXAMPLE_CONFIG, "staging", "plan", "staging-plan"),
    ],
)
def test_the_configured_environment_or_the_default(config, tier, job, expected, tmp_path):
    result, output = _environment(config, tier, job, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{expected}\n"
    assert output.read_text() == f"tier={tier}\nenvironment={expected}\n"


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_the_same_environments_as_the_promotion_matrix(platform, tmp_path):
    """One definition: every promoted tier's apply and plan environment, as `tierform
    promotion` hands them to deploy.yml, pr.yml and drift.yml."""
    config = PLATFORMS[platform]
    entries = decide(load_platform(config), "pull_request", None)["plan"]
    assert entries
    for entry in entries:
        for job, key in (("apply", "environment"), ("plan", "plan_environment")):
            result, _ = _environment(config, entry["tier"], job, tmp_path)
            assert result.stdout == f"{entry[key]}\n", (entry["tier"], job)


@pytest.mark.parametrize(
    ("tier", "job", "message"),
    [
        ("prd", "apply", "tierform environment: --tier 'prd' is not a tier (tiers: local, dev,"),
        ("dev-carol", "apply", "--tier 'dev-carol' is not a tier"),  # a sandbox, not a tier
        ("prod", "deploy", "tierform environment: --job 'deploy': expected plan, apply or ci"),
        # No promotion rule: CI never deploys it (rollback.yml must not roll it back).
        ("local", "apply", "--tier 'local' has no promotion rule (platform.yaml promotion"),
    ],
)
def test_an_unknown_tier_or_job_is_one_line_exit_2(tier, job, message, tmp_path):
    result, output = _environment(HELIX_CONFIG, tier, job, tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert result.stdout == "" and not output.exists()  # no environment for the job to use


def test_a_broken_config_is_exit_2(tmp_path):
    (tmp_path / "config").mkdir()
    result, _ = _environment(tmp_path / "config", "prod", "apply", tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
