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


def test_a_destroy_list_longer_than_the_limit_is_counted_and_the_comment_still_fits():
    # Over the limit, GitHub refuses the comment and the reviewers see nothing at all.
    plan = parse_plan(huge_plan(adds=50, destroys=300))
    md = render(Summary([TierPlan("prod", plan)]), max_chars=5_000)
    assert len(md) <= 5_000
    assert "- **prod** (300): `snowflake_grant_privileges_to_account_role.grants` (300)" in md
    assert "**Not every address fits in this comment** (300 destroyed or replaced" in md


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


def _doomed_plan(n: int, *, per_block: bool) -> dict:
    """`n` destroys: instances of one for_each block, or `n` blocks of one instance each
    (a library user's resources without for_each)."""
    changes = [
        _rc(f'snowflake_schema.schemas["DB.S_{i:05d}"]', ["delete"])
        if per_block
        else _rc(f"snowflake_schema.s_{i:05d}", ["delete"])
        for i in range(n)
    ]
    changes += [
        _rc(f'snowflake_database.dbs["DB_{i:03d}"]', ["delete", "create"]) for i in range(5)
    ]
    return {"format_version": "1.2", "planned_values": {}, "resource_changes": changes}


def test_more_destroys_than_a_comment_can_name_are_counted_per_block_and_listed_in_full(
    tmp_path,
):
    plan_path = tmp_path / "prod.json"
    plan_path.write_text(json.dumps(_doomed_plan(20_000, per_block=True)))
    out = tmp_path / "plans" / "summary.md"
    result = run_tierform_in_process("plan-summary", "--plan", f"prod={plan_path}", "-o", str(out))
    assert result.returncode == 0, result.stderr
    md = out.read_text()
    assert len(md) <= 65_536  # one address per line would be ~900,000 characters
    head = md.split("<details>")[0]
    assert "**🗑️ 20,000 resource(s) will be DESTROYED:**" in head
    assert "- **prod** (20,000): `snowflake_schema.schemas` (20,000)" in head
    assert "- **prod** (5): `snowflake_database.dbs` (5)" in head
    assert "**Not every address fits in this comment** (20,005 destroyed or replaced" in head
    full = out.with_name("summary.destroys.md")
    assert f"`{full}`" in head
    listed = full.read_text()
    assert all(f'`snowflake_schema.schemas["DB.S_{i:05d}"]`' in listed for i in range(20_000))
    assert listed.count("- **prod**: ") == 20_005


def test_too_many_blocks_to_count_are_counted_per_type():
    md = render(Summary([TierPlan("prod", parse_plan(_doomed_plan(8_000, per_block=False)))]))
    assert len(md) <= 65_536
    head = md.split("<details>")[0]
    assert "- **prod** (8,000): `snowflake_schema` (8,000)" in head
    assert "- **prod** (5): `snowflake_database` (5)" in head
    assert "`tierform plan-summary -o FILE` writes the complete list beside FILE" in head


def test_the_notice_links_the_workflow_run_in_github_actions(tmp_path, monkeypatch):
    plan_path = tmp_path / "prod.json"
    plan_path.write_text(json.dumps(_doomed_plan(20_000, per_block=True)))
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/data")
    monkeypatch.setenv("GITHUB_RUN_ID", "42")
    out = tmp_path / "summary.md"
    run_tierform_in_process("plan-summary", "--plan", f"prod={plan_path}", "-o", str(out))
    assert (
        "the complete list is in `summary.destroys.md`, uploaded with "
        "[this workflow run](https://github.com/acme/data/actions/runs/42)."
    ) in out.read_text()


def test_the_full_list_is_rewritten_every_run(tmp_path):
    """A list left by an earlier plan never stands for this one."""
    plan_path = tmp_path / "prod.json"
    plan_path.write_text(json.dumps(huge_plan(adds=3, destroys=0)))
    out = tmp_path / "summary.md"
    full = tmp_path / "summary.destroys.md"
    full.write_text('- **prod**: **`snowflake_schema.old["X"]`**\n')
    result = run_tierform_in_process("plan-summary", "--plan", f"prod={plan_path}", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "snowflake_schema.old" not in full.read_text()
    assert "No resource other than a release step is destroyed or replaced." in full.read_text()
    assert "Not every address fits" not in out.read_text()


def test_instances_are_counted_per_block_whatever_their_keys_and_modules_hold():
    data = {"format_version": "1.2", "resource_changes": [
        _rc(f'snowflake_schema.schemas["snowflake_schema.schemas_{i}"]', ["delete"])
        for i in range(400)
    ]}  # fmt: skip
    for i in range(300):
        rc = _rc('snowflake_table.t["a]b\\"c"]', ["delete"])  # type and name from here
        rc["address"] = f'module.m["k{i}"].' + rc["address"]
        data["resource_changes"].append(rc)
    md = render(Summary([TierPlan("prod", parse_plan(data))]), max_chars=8_000)
    head = md.split("<details>")[0]
    assert (
        "- **prod** (700): `snowflake_schema.schemas` (400), `module.m.snowflake_table.t` (300)"
        in head
    )


def test_a_head_too_long_without_destroys_says_nothing_about_addresses_and_still_fits():
    summary = Summary([TierPlan("dev", parse_plan(huge_plan(adds=3, destroys=0)))])
    summary.notes = ["DAG changes unknown: " + "x" * 400]
    md = render(summary, max_chars=300)
    assert len(md) <= 300
    assert "Not every address fits" not in md
    assert md.endswith("_… cut here to stay under 300 characters._\n")


def test_the_full_list_cannot_be_the_comment_file(tmp_path):
    plan_path = tmp_path / "prod.json"
    plan_path.write_text(json.dumps(huge_plan(adds=1, destroys=1)))
    out = tmp_path / "summary.md"
    result = run_tierform_in_process(
        "plan-summary", "--plan", f"prod={plan_path}", "-o", str(out), "--full-list", str(out)
    )
    assert result.returncode == 2
    assert "the same file as --output" in result.stderr
    assert not out.exists()
