"""The PR comment's per-tier status and attribute detail: a tier whose plan failed keeps its
row (with the first error line), each changed resource lists its changed attributes
before → after, sensitive values are masked and unknown ones say so. Plan JSON is written
in Terraform's documented format (real plans are rendered in tests/integration)."""

from __future__ import annotations

import json

from support import EXAMPLE_CONFIG, REPO, run_tierform_in_process

from tierform.config import load_platform
from tierform.gitops.attribute_diff import SENSITIVE, UNKNOWN, changed_attributes
from tierform.gitops.plan_model import parse_plan
from tierform.gitops.plan_status import FAILED, TierStatus, write_status
from tierform.gitops.plan_summary import Summary, TierPlan, collect_tiers, dbt_source, render

SECRET = "hunter2-do-not-print"


def _plan(*changes: dict) -> dict:
    return {"format_version": "1.2", "planned_values": {}, "resource_changes": list(changes)}


def _update(address: str, before: dict, after: dict, **marks) -> dict:
    rtype, name = address.split(".", 1)
    return {
        "address": address,
        "type": rtype,
        "name": name,
        "change": {"actions": ["update"], "before": before, "after": after, **marks},
    }


def test_failed_tier_keeps_its_row_with_the_first_error_line(tmp_path):
    write_status(tmp_path, TierStatus("dev", FAILED, "Error: No valid credential sources found"))
    (tmp_path / "staging.json").write_text(json.dumps(_plan()))
    write_status(tmp_path, TierStatus("staging", "no-changes"))
    md = render(Summary(collect_tiers([], tmp_path)))
    row = next(x for x in md.splitlines() if x.startswith("| **dev**"))
    assert "❌ failed: `Error: No valid credential sources found`" in row
    assert "| **staging** | no changes | 0 | 0 | 0 | 0 | none |" in md
    assert "**❌ 1 tier(s) could not be planned:** **dev**" in md
    assert "**❌ dev: the plan failed** — `Error: No valid credential sources found`" in md
    assert (
        "No resource other than a release step is destroyed or replaced in the tiers that "
        "were planned."
    ) in md


def test_failed_status_wins_over_an_old_plan_json(tmp_path):
    (tmp_path / "dev.json").write_text(json.dumps(_plan(_update("x.a", {"v": 1}, {"v": 2}))))
    write_status(tmp_path, TierStatus("dev", FAILED, "Error: boom"))
    [tier] = collect_tiers([], tmp_path)
    assert tier.usable is None and "boom" in tier.status_text


def test_changed_attributes_before_after_masked_unknown_and_shortened():
    long_value = "x" * 500
    change = _update(
        "snowflake_service_user.this",
        before={"comment": "old", "rsa_public_key": SECRET, "default_role": "A", "tags": {"k": 1}},
        after={"comment": long_value, "rsa_public_key": SECRET + "2", "default_role": "A"},
        after_unknown={"tags": {"k": True}},
        before_sensitive={"rsa_public_key": True},
        after_sensitive={"rsa_public_key": True},
    )
    plan = parse_plan(_plan(change))
    by_path = {a.path: a for a in plan.changes[0].attributes}
    assert set(by_path) == {"comment", "rsa_public_key", "tags.k"}  # default_role unchanged
    assert (by_path["rsa_public_key"].before, by_path["rsa_public_key"].after) == (
        SENSITIVE,
        SENSITIVE,
    )
    assert by_path["tags.k"].after == UNKNOWN
    md = render(Summary([TierPlan("dev", plan)]))
    row = next(x for x in md.splitlines() if "snowflake_service_user.this" in x)
    assert "`comment`: `old` → `" + "x" * 71 + "…`" in row
    assert "`rsa_public_key`: _(sensitive)_ → _(sensitive)_" in row
    assert "`tags.k`: `1` → _(known after apply)_" in row
    assert SECRET not in md and long_value not in md


def test_a_value_that_stops_being_sensitive_is_still_masked():
    [attr] = changed_attributes(
        {
            "before": {"password": SECRET},
            "after": {"password": "public"},
            "before_sensitive": {"password": True},
            "after_sensitive": {},
        }
    )
    assert (attr.before, attr.after) == (SENSITIVE, SENSITIVE)


def test_lists_compare_whole_and_nested_sensitive_parts_mask_them():
    [attr] = changed_attributes(
        {
            "before": {"grants": [{"role": "A", "token": SECRET}]},
            "after": {"grants": [{"role": "B", "token": SECRET}]},
            "before_sensitive": {"grants": [{"token": True}]},
            "after_sensitive": {"grants": [{"token": True}]},
        }
    )
    assert attr.path == "grants" and attr.before == SENSITIVE


def test_many_changed_attributes_are_capped_per_resource():
    before = {f"a{i:02d}": i for i in range(20)}
    after = {f"a{i:02d}": i + 1 for i in range(20)}
    md = render(Summary([TierPlan("dev", parse_plan(_plan(_update("t.r", before, after))))]))
    row = next(x for x in md.splitlines() if "`t.r`" in x)
    assert row.count("→") == 8 and "… and 12 more" in row


def test_no_plans_at_all_still_renders_a_comment(tmp_path):
    md = render(Summary(collect_tiers([], tmp_path / "missing")))
    assert md.startswith("<!-- tierform:plan-summary -->")
    assert "No tier was planned" in md


def test_bad_status_file_is_bad_input(tmp_path):
    (tmp_path / "dev.status.json").write_text(json.dumps({"tier": "dev", "status": "great"}))
    result = run_tierform_in_process("plan-summary", "--plans-dir", str(tmp_path))
    assert result.returncode == 2
    assert "dev.status.json: status: expected one of planned, no-changes, failed" in result.stderr
    assert "Traceback" not in result.stderr


def test_dbt_project_profiles_and_target_come_from_config():
    platform = load_platform(EXAMPLE_CONFIG)
    source = dbt_source("local", platform)
    assert source is not None
    assert source.project_dir == REPO / "examples" / "dbt"
    assert source.profiles_dir == REPO / "examples" / "dbt"
    assert source.target == "local"
    # The command line still overrides (a project outside any config).
    override = dbt_source("dev", None, project=REPO / "x", target="ci")
    assert override is not None and (override.project_dir, override.target) == (REPO / "x", "ci")
    assert dbt_source("dev-alice", platform) is None  # sandboxes release nothing


def test_an_unmarked_copy_of_a_sensitive_value_is_masked_too():
    """terraform_data marks `input` sensitive but not the `output` copied from it."""
    attrs = changed_attributes(
        {
            "before": {"input": SECRET, "output": SECRET, "command": f"login --key {SECRET}"},
            "after": {"input": "rotated!", "command": "login --key rotated!"},
            "after_unknown": {"output": True},
            "before_sensitive": {"input": True},
            "after_sensitive": {"input": True},
        }
    )
    shown = {a.path: (a.before, a.after) for a in attrs}
    assert shown == {
        "command": (SENSITIVE, SENSITIVE),
        "input": (SENSITIVE, SENSITIVE),
        "output": (SENSITIVE, UNKNOWN),
    }
