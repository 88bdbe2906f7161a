"""`release.dbt.publish` (blue_green | in_place): validated, inherited through `extends`,
and the mode each tier really uses shown in the PR comment; adapters without blue/green
build in place and say so (never silently)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from support import EXAMPLE_CONFIG, copy_config, edit_yaml, run_synth_in_process

from tierform.config import load_platform
from tierform.gitops.plan_model import parse_plan
from tierform.gitops.plan_summary import Summary, TierPlan, _publish_text, render
from tierform.release.dbt_publish import BLUE_GREEN, IN_PLACE, describe_mode, publish_mode

PROD = Path("tiers") / "prod.yaml"


def _set_publish(path: Path, value) -> None:
    def edit(data):
        data.setdefault("release", {}).setdefault("dbt", {})["publish"] = value

    edit_yaml(path, edit)


def test_default_is_blue_green_on_duckdb_and_snowflake_tiers():
    platform = load_platform(EXAMPLE_CONFIG)
    for tier in ("local", "dev", "staging", "prod"):
        step = platform.dbt_step(platform.tiers[tier])
        assert step is not None and step.publish == BLUE_GREEN
        assert publish_mode(step) == (BLUE_GREEN, None)
        assert describe_mode(step).startswith("blue/green")


def test_in_place_is_inherited_through_extends(tmp_path: Path):
    config = copy_config(tmp_path)
    _set_publish(config / PROD, "in_place")  # staging extends prod, dev extends staging
    platform = load_platform(config)
    for tier in ("prod", "staging", "dev"):
        step = platform.dbt_step(platform.tiers[tier])
        assert step is not None and step.publish == IN_PLACE
        assert describe_mode(step).startswith("in place (`release.dbt.publish: in_place`")
    assert platform.dbt_step(platform.tiers["local"]).publish == BLUE_GREEN


def test_a_bad_mode_is_one_line_naming_file_and_field(tmp_path: Path):
    config = copy_config(tmp_path)
    _set_publish(config / PROD, "sometimes")
    result = run_synth_in_process(config, tmp_path / "out")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # said once, though staging and dev inherit it
    assert lines[0].endswith(
        "tiers/prod.yaml: release.dbt.publish: 'sometimes' is not one of blue_green, in_place"
    )
    assert "Traceback" not in result.stderr


def test_an_adapter_without_blue_green_builds_in_place_and_says_so():
    platform = load_platform(EXAMPLE_CONFIG)
    step = replace(platform.dbt_step(platform.tiers["prod"]), adapter="databricks")
    mode, note = publish_mode(step)
    assert mode == IN_PLACE
    assert note and "databricks" in note and "stays live" in note
    assert describe_mode(step).startswith("in place — blue/green is not available")


def test_blue_green_written_for_an_adapter_without_it_is_refused(tmp_path: Path):
    # Written, it promises a shadow build the release would silently skip: refused at load.
    from support import helix_with_databricks_dbt, run_tierform_in_process

    root = helix_with_databricks_dbt(tmp_path)
    assert run_tierform_in_process("validate", cwd=root).returncode == 0  # default: in place
    _set_publish(root / "config" / "tiers" / "qa.yaml", "blue_green")
    result = run_tierform_in_process("validate", cwd=root)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "config/tiers/qa.yaml: release.dbt.publish: blue_green builds in a shadow on duckdb or "
        "snowflake; dbt target 'lake_qa' is databricks, where dbt builds in place: write "
        "publish: in_place (or remove it)"
    ]
    _set_publish(root / "config" / "tiers" / "qa.yaml", "in_place")
    assert run_tierform_in_process("validate", cwd=root).returncode == 0


def _plan_with_dbt_step() -> dict:
    return {
        "format_version": "1.2",
        "planned_values": {},
        "resource_changes": [
            {
                "address": "terraform_data.release_dbt",
                "type": "terraform_data",
                "name": "release_dbt",
                "change": {"actions": ["create"], "before": None, "after": {}},
            }
        ],
    }


def test_pr_comment_says_how_each_tier_publishes(tmp_path: Path):
    config = copy_config(tmp_path)
    _set_publish(config / PROD, "in_place")
    platform = load_platform(config)
    tiers = [
        TierPlan(tier, parse_plan(_plan_with_dbt_step()), publish=_publish_text(platform, tier))
        for tier in ("local", "prod")
    ]
    text = render(Summary(tiers))
    assert "**dbt publish:** blue/green" in text
    assert "**dbt publish:** in place (`release.dbt.publish: in_place`" in text
    assert text.index("blue/green (built") < text.index("in place (`release")
    assert _publish_text(platform, "dev-alice") is None  # sandboxes release nothing
