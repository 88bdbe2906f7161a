"""plan-summary stays under GitHub's 65,536-character comment limit on a huge plan, cutting
detail but never the destroy list. The plan JSON is generated in Terraform's documented
format (a real plan of this size would take minutes to produce)."""

from __future__ import annotations

import json

from support import run_tierform_in_process

from tierform.gitops.plan_model import parse_plan
from tierform.gitops.plan_summary import Summary, TierPlan, render


def _rc(address: str, actions: list[str]) -> dict:
    rtype, name = address.split(".")[0], address.split(".")[1].split("[")[0]
    return {"address": address, "mode": "managed", "type": rtype, "name": name,
            "change": {"actions": actions, "before": {}, "after": {}}}  # fmt: skip


def huge_plan(adds: int, destroys: int) -> dict:
    changes = [
        _rc(f'snowflake_schema.schemas["DB.SCHEMA_{i:05d}"]', ["create"]) for i in range(adds)
    ]
    changes += [
        _rc(f'snowflake_grant_privileges_to_account_role.grants["ROLE_{i:04d}"]', ["delete"])
        for i in range(destroys)
    ]
    return {"format_version": "1.2", "terraform_version": "1.11.4", "planned_values": {},
            "resource_changes": changes}  # fmt: skip


def test_huge_plan_fits_and_keeps_every_destroy(tmp_path):
    plan_path = tmp_path / "prod.json"
    plan_path.write_text(json.dumps(huge_plan(adds=6000, destroys=400)))
    result = run_tierform_in_process("plan-summary", "--plan", f"prod={plan_path}")
    assert result.returncode == 0, result.stderr
    md = result.stdout
    assert len(md) <= 65_536
    head = md.split("<details>")[0]
    for i in range(400):
        assert f'grants["ROLE_{i:04d}"]' in head
    assert "| **prod** | planned | 6000 | 0 | **400** | 0 |" in md
    assert "more (cut to fit GitHub's comment limit" in md
    assert md.count("</details>") == 1  # the structure survives the cut


def test_small_plan_is_not_cut():
    plan = parse_plan(huge_plan(adds=10, destroys=2))
    md = render(Summary([TierPlan("dev", plan)]))
    assert "cut to fit" not in md
    assert md.count('snowflake_schema.schemas["DB.SCHEMA_') == 10


def test_destroy_list_longer_than_the_limit_is_still_whole():
    plan = parse_plan(huge_plan(adds=50, destroys=300))
    md = render(Summary([TierPlan("prod", plan)]), max_chars=5_000)
    assert all(f'grants["ROLE_{i:04d}"]' in md for i in range(300))
    assert "Per-tier detail left out" in md


def test_each_action_counted():
    data = huge_plan(adds=1, destroys=1)
    data["resource_changes"] += [
        _rc("terraform_data.a", ["update"]),
        _rc("terraform_data.b", ["create", "delete"]),
        _rc("terraform_data.c", ["no-op"]),
        _rc("terraform_data.d", ["read"]),
    ]
    assert parse_plan(data).counts == {"add": 1, "change": 1, "destroy": 1, "replace": 1}


def test_destroy_list_too_long_per_line_is_compacted_and_complete():
    """A destroy/replace list too long at one line per resource is written one line per
    tier, every address still there, and the comment fits the limit."""
    data = huge_plan(adds=20_000, destroys=300)
    data["resource_changes"] += [
        _rc(f'snowflake_schema.schemas["DB.OLD_{i:05d}"]', ["delete", "create"]) for i in range(300)
    ]
    md = render(Summary([TierPlan("prod", parse_plan(data))]), max_chars=35_000)
    assert len(md) <= 35_000
    head = md.split("<details>")[0]
    assert all(f'`snowflake_grant_privileges_to_account_role.grants["ROLE_{i:04d}"]`' in head
               for i in range(300))  # fmt: skip
    assert all(f'`snowflake_schema.schemas["DB.OLD_{i:05d}"]`' in head for i in range(300))
    assert "- **prod** (300): " in head


def test_an_expected_tier_that_left_nothing_is_shown_failed(tmp_path, monkeypatch):
    """pr.yml's comment job names the tiers it sent to plan: one whose plan job stopped
    before planning (no plan JSON, no status file) is a failed row, not a missing one."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "dev.json").write_text(json.dumps(huge_plan(adds=2, destroys=0)))
    monkeypatch.setenv("TIERFORM_PLAN_TIERS", "dev staging prod")
    result = run_tierform_in_process(
        "plan-summary", "--plans-dir", str(plans), "--config", str(tmp_path / "none")
    )
    assert result.returncode == 0, result.stderr
    md = result.stdout
    assert "| **dev** | planned | 2 |" in md
    for tier in ("staging", "prod"):
        row = next(line for line in md.splitlines() if line.startswith(f"| **{tier}** |"))
        assert "failed" in row, md
    assert "its plan job stopped before planning" in md
    # Without the list, the summary shows what it has (as before).
    monkeypatch.delenv("TIERFORM_PLAN_TIERS")
    alone = run_tierform_in_process(
        "plan-summary", "--plans-dir", str(plans), "--config", str(tmp_path / "none")
    )
    assert "**prod**" not in alone.stdout
