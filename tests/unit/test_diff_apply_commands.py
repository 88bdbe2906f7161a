"""`tierform diff` and `tierform apply` on bad input: one clear line, exit 2, nothing run.
(The real runs, with the cdktf CLI and Terraform, are in tests/integration.)"""

from __future__ import annotations

import pytest
from support import EXAMPLE_CONFIG, REPO, run_tierform_in_process

from tierform.config import load_platform
from tierform.gitops.apply_tier import tier_apply_mode


def tierform(*args: str, cwd=REPO):
    return run_tierform_in_process(*args, "--config", str(EXAMPLE_CONFIG), cwd=cwd)


def test_unknown_tier_is_bad_input(tmp_path):
    for command in ("diff", "apply"):
        result = tierform(command, "--tier", "qa", "--outdir", str(tmp_path / "out"))
        assert result.returncode == 2, result.stderr
        assert f"tierform {command}: --tier 'qa': not a tier or sandbox stack" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_reviewed_plan_without_a_plan_is_exit_2_before_anything_runs(tmp_path):
    outdir = tmp_path / "cdktf.out"
    result = tierform(
        "apply", "--tier", "prod", "--plan", str(tmp_path / "prod.tfplan"), "--outdir", str(outdir)
    )
    assert result.returncode == 2, result.stderr
    assert "apply mode reviewed-plan" in result.stderr  # prod is protected
    assert f"{tmp_path / 'prod.tfplan'}: no saved plan for 'prod'" in result.stderr
    assert "make diff TIER=prod" in result.stderr
    assert not outdir.exists()  # nothing synthesized, nothing applied


def test_sandbox_stacks_take_their_tiers_mode():
    platform = load_platform(EXAMPLE_CONFIG)
    assert tier_apply_mode(platform, "prod") == "reviewed-plan"
    assert tier_apply_mode(platform, "dev") == "deploy"
    assert tier_apply_mode(platform, "local") == "deploy"  # no rule: by protection
    assert tier_apply_mode(platform, "dev-alice") == "deploy"


def test_a_saved_cloud_plan_is_a_bookmark_of_the_hcp_run(tmp_path):
    from tierform.gitops.apply_plan import BadPlanFile, saved_plan_kind

    bookmark = tmp_path / "prod.tfplan"
    bookmark.write_text('{"remote_plan_format":1,"run_id":"run-a1","hostname":"tfe.example.com"}')
    assert saved_plan_kind(bookmark) == "cloud"
    local = tmp_path / "local.tfplan"
    local.write_bytes(b"PK\x03\x04rest of a zip")
    assert saved_plan_kind(local) == "local"
    bookmark.write_text('{"remote_plan_format":1,"run_id":7,"hostname":"tfe.example.com"}')
    with pytest.raises(BadPlanFile, match="not a saved Terraform plan"):
        saved_plan_kind(bookmark)


def test_stack_tier_is_the_tier_or_the_sandboxs_tier():
    platform = load_platform(EXAMPLE_CONFIG)
    assert platform.stack_tier("prod").name == "prod"
    assert platform.stack_tier("dev-alice").name == "dev"
    with pytest.raises(KeyError):
        platform.stack_tier("qa")
