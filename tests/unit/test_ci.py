"""`tierform ci`: config, PR environment statements, records, report, statuses, sweep.

Snowflake and Databricks cannot run here: their PR environments are tested with dbt's
invocations replaced by a recorder (the statements dbt would run through its connection,
and a fake `dbt parse` manifest); the DuckDB flow runs for real in
tests/integration/test_ci_local.py."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from support import (
    EXAMPLE_CONFIG,
    HELIX_CONFIG,
    HELIX_ROOT,
    copy_config,
    edit_yaml,
    run_tierform_in_process,
)

from tierform.ci import dbt_check, dbt_invoke, github_checks, report, sweep
from tierform.ci.errors import CiInputError
from tierform.ci.impact import compare
from tierform.ci.pr_env import schemas
from tierform.ci.pr_env.record import EnvironmentRecord, read_record, write_record
from tierform.ci.result import Annotation, CheckOutcome
from tierform.ci.teardown import teardown
from tierform.config import ConfigError, load_platform
from tierform.gitops.promotion import decide
from tierform.ledger.local_store import LocalStore
from tierform.ledger.tier_ledger import TierLedger
from tierform.release.context import ReleaseContext

# --- config -----------------------------------------------------------------------------


def test_targets_are_read_from_both_platforms():
    assert load_platform(EXAMPLE_CONFIG).platform.ci.targets == ["dev"]
    assert load_platform(HELIX_CONFIG).platform.ci.targets == ["local", "qa"]


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        (["qa"], "ci.targets.0: 'qa' is not a tier"),
        (["dev", "dev"], "ci.targets.1: 'dev' is listed twice"),
        ([7], "ci.targets.0"),
    ],
)
def test_bad_targets_name_the_file_and_field(tmp_path, targets, message):
    config = copy_config(tmp_path)
    edit_yaml(config / "platform.yaml", lambda d: d.update(ci={"targets": targets}))
    with pytest.raises(ConfigError) as err:
        load_platform(config)
    assert "platform.yaml" in str(err.value) and message in str(err.value)


def test_a_target_needs_a_dbt_release(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "dev.yaml",
        lambda d: d.setdefault("release", {}).setdefault("dbt", {}).update(enabled=False),
    )
    with pytest.raises(ConfigError, match=r"ci.targets.0: tier 'dev' has no dbt release"):
        load_platform(config)


def _targets(root: Path, tmp_path: Path) -> tuple[list, str]:
    output = tmp_path / "github_output"
    result = run_tierform_in_process(
        "ci", "targets", "--root", str(root), "--github-output", GITHUB_OUTPUT=str(output)
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), output.read_text()


def test_targets_carry_each_tier_plan_environment(tmp_path):
    """The data CI, teardown and sweep jobs run in the environment `tierform promotion`
    gives the tier's plans, not in one built from the tier's name."""
    targets, output = _targets(HELIX_ROOT, tmp_path)
    # local has no promotion rule and qa no environment: the defaults.
    assert targets == [
        {"tier": "local", "plan_environment": "local-plan"},
        {"tier": "qa", "plan_environment": "qa-plan"},
    ]
    # For `strategy.matrix: ${{ fromJSON(...) }}`, as deploy.yml reads `tierform promotion`.
    matrix = json.dumps({"include": targets}, separators=(",", ":"))
    assert output == f"targets={matrix}\nhas_targets=true\n"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"environment": "quality"}, "quality-plan"),
        ({"environment": "quality", "plan_environment": "quality-readonly"}, "quality-readonly"),
    ],
)
def test_targets_follow_the_configured_environments(tmp_path, rule, expected):
    root = tmp_path / "helix"
    shutil.copytree(HELIX_ROOT, root)
    edit_yaml(root / "config/platform.yaml", lambda d: d["promotion"]["tiers"]["qa"].update(rule))
    targets, output = _targets(root, tmp_path)
    assert targets[1] == {"tier": "qa", "plan_environment": expected}
    # The same environment `tierform promotion` gives qa's PR plans and drift checks.
    plans = decide(load_platform(root / "config"), "pull_request", None)["plan"]
    assert next(p for p in plans if p["tier"] == "qa")["plan_environment"] == expected
    assert f'{{"tier":"qa","plan_environment":"{expected}"}}' in output


def test_no_targets_means_no_data_ci_job(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(config / "platform.yaml", lambda d: d.update(ci={"targets": []}))
    targets, output = _targets(tmp_path, tmp_path)
    assert targets == []
    assert output == 'targets={"include":[]}\nhas_targets=false\n'


def test_ci_command_bad_tier_is_one_line_exit_2():
    result = run_tierform_in_process("ci", "run", "--tier", "nope", "--pr", "7")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "'nope' is not a tier" in result.stderr


# --- Snowflake / Databricks PR schemas ----------------------------------------------------


def test_snowflake_and_databricks_statements():
    names = ["ANALYTICS_DEV.PR_7_MARTS", "ANALYTICS_DEV.PR_7_STAGING"]
    assert schemas.create_statements(names, "snowflake") == [
        "CREATE SCHEMA IF NOT EXISTS ANALYTICS_DEV.PR_7_MARTS",
        "CREATE SCHEMA IF NOT EXISTS ANALYTICS_DEV.PR_7_STAGING",
    ]
    assert schemas.drop_statements(names, 7, "snowflake")[0] == (
        "DROP SCHEMA IF EXISTS ANALYTICS_DEV.PR_7_MARTS CASCADE"
    )
    assert schemas.qualified("Main", "PR_7_Marts", "databricks") == "main.pr_7_marts"
    assert schemas.prefix(7, "databricks") == "pr_7_"


def test_drop_refuses_a_schema_of_another_pr_or_of_the_tier():
    for name in ("ANALYTICS_DEV.MARTS", "ANALYTICS_DEV.PR_8_MARTS", "ANALYTICS_DEV.PR_77_X"):
        with pytest.raises(CiInputError, match="not one of PR 7's"):
            schemas.drop_statements([name], 7, "snowflake")


def test_pr_schemas_from_a_manifest_and_refuse_an_unprefixed_one():
    nodes = {
        "model.p.a": {"resource_type": "model", "database": "DB", "schema": "PR_7_MARTS"},
        "seed.p.s": {"resource_type": "seed", "database": "DB", "schema": "PR_7_RAW"},
        "model.p.e": {
            "resource_type": "model",
            "database": "DB",
            "schema": "ELSEWHERE",
            "config": {"materialized": "ephemeral"},
        },
        "test.p.t": {"resource_type": "test", "database": "DB", "schema": "X"},
    }
    assert schemas.pr_schemas({"nodes": nodes}, 7, "snowflake") == ["DB.PR_7_MARTS", "DB.PR_7_RAW"]
    nodes["model.p.b"] = {"resource_type": "model", "database": "DB", "schema": "MARTS"}
    with pytest.raises(CiInputError, match="TIERFORM_SCHEMA_PREFIX"):
        schemas.pr_schemas({"nodes": nodes}, 7, "snowflake")


def _dev_context(tmp_path: Path) -> ReleaseContext:
    platform = load_platform(EXAMPLE_CONFIG)
    ctx = ReleaseContext(root=tmp_path, platform=platform, tier=platform.tiers["dev"])
    ctx.__dict__["ledger"] = TierLedger(LocalStore(tmp_path / "ledger"), "dev")
    return ctx


class FakeDbt:
    """dbt's invocations, recorded: `parse` writes a manifest of the schemas the example
    builds into (with the PR prefix), `build` succeeds; statements are kept, not run."""

    def __init__(self, monkeypatch):
        self.calls: list[list[str]] = []
        self.statements: list[str] = []
        monkeypatch.setattr(dbt_invoke, "invoke", self.invoke)
        monkeypatch.setattr(dbt_invoke, "run_statements", lambda s, args: self.statements.extend(s))
        monkeypatch.setattr(dbt_check.dbt_build, "_prepare_environment", lambda ctx, step: None)

    def invoke(self, args):
        self.calls.append(args)
        if args[0] == "parse":
            prefix = __import__("os").environ[schemas.PREFIX_VARIABLE]
            target = Path(args[args.index("--target-path") + 1])
            target.mkdir(parents=True, exist_ok=True)
            nodes = {
                f"model.n.{s}": {
                    "resource_type": "model",
                    "database": "ANALYTICS_DEV",
                    "schema": prefix + s,
                }
                for s in ("MARTS", "STAGING")
            }
            (target / "manifest.json").write_text(json.dumps({"nodes": nodes}))
        return SimpleNamespace(success=True, result=SimpleNamespace(results=[]), exception=None)


def test_snowflake_pr_environment_is_recorded_before_the_build_and_torn_down(tmp_path, monkeypatch):
    monkeypatch.delenv(schemas.PREFIX_VARIABLE, raising=False)
    fake = FakeDbt(monkeypatch)
    ctx = _dev_context(tmp_path)
    run = dbt_check.run_dbt_check(ctx, 7)
    assert schemas.PREFIX_VARIABLE not in __import__("os").environ  # not left for later builds
    assert fake.statements == [
        "CREATE SCHEMA IF NOT EXISTS ANALYTICS_DEV.PR_7_MARTS",
        "CREATE SCHEMA IF NOT EXISTS ANALYTICS_DEV.PR_7_STAGING",
    ]
    build = next(c for c in fake.calls if c[0] == "build")
    assert "--defer" not in build  # no successful build of dev in its ledger yet
    assert "full build" in run.outcome.markdown
    record = read_record(ctx.ledger, 7)
    assert record.kind == "snowflake" and record.created == [
        "ANALYTICS_DEV.PR_7_MARTS",
        "ANALYTICS_DEV.PR_7_STAGING",
    ]
    fake.statements.clear()
    assert "dropped" in teardown(ctx, 7)
    assert fake.statements == [
        "DROP SCHEMA IF EXISTS ANALYTICS_DEV.PR_7_MARTS CASCADE",
        "DROP SCHEMA IF EXISTS ANALYTICS_DEV.PR_7_STAGING CASCADE",
    ]
    assert read_record(ctx.ledger, 7) is None
    fake.statements.clear()
    assert "nothing to tear down" in teardown(ctx, 7)
    assert fake.statements == []


def test_slim_build_defers_with_favor_state_when_the_tier_has_a_manifest(tmp_path, monkeypatch):
    monkeypatch.delenv(schemas.PREFIX_VARIABLE, raising=False)
    fake = FakeDbt(monkeypatch)
    ctx = _dev_context(tmp_path)
    from tierform.ledger import dbt_records

    record = {"success": True, "git_sha": "abc"}
    dbt_records.record_run(ctx.ledger, "dev", "r1", {"manifest.json": b"{}"}, record)
    run = dbt_check.run_dbt_check(ctx, 7)
    build = next(c for c in fake.calls if c[0] == "build")
    assert {"--defer", "--favor-state", "--state"} <= set(build)
    assert "state:modified.body+" in build and "state:modified+" not in build
    assert "deferring to dev's build r1" in run.outcome.markdown


# --- data impact, report, statuses, sweep ------------------------------------------------


def test_compare_columns_and_row_count_flag():
    tier = {
        "columns": ["id", "amount", "gone"],
        "types": ["INTEGER", "INTEGER", "TEXT"],
        "rows": 100,
    }
    pr = {"columns": ["id", "amount", "new"], "types": ["INTEGER", "DOUBLE", "TEXT"], "rows": 120}
    m = compare("fct", tier, pr, 0.1)
    assert (m.added, m.removed, m.retyped) == (["new"], ["gone"], ["amount: INTEGER → DOUBLE"])
    assert m.flagged
    assert not compare("fct", tier, {**tier, "rows": 105}, 0.1).flagged
    assert compare("fresh", None, pr, 0.1).new


def test_annotations_are_github_workflow_commands():
    a = Annotation("models/a, b.sql", 3, "LT01: bad\nspacing: 100%")
    assert report.annotation_command("sql-lint (dev)", a) == (
        "::error file=models/a%2C b.sql,line=3,title=sql-lint (dev)::LT01: bad%0Aspacing: 100%25"
    )


def test_comment_has_a_data_ci_section_per_tier(tmp_path):
    outcomes = [
        CheckOutcome("sql-lint", "pass", "2 model(s) linted", "ok"),
        CheckOutcome("dbt", "fail", "1 failed", "| `test.x` |", (Annotation("m.sql", None, "x"),)),
    ]
    report.write_results(tmp_path, "dev", 7, outcomes, {})
    report.write_results(tmp_path, "local", 7, outcomes[:1], {})
    found = report.read_results(tmp_path)
    assert [t for t, _ in found] == ["dev", "local"] and found[0][1] == outcomes
    body = report.comment_body([report.tier_section(t, o) for t, o in found])
    assert body.startswith(report.MARKER) and "## Data CI" in body
    assert "### Data CI — tier `dev`" in body and "### Data CI — tier `local`" in body
    assert "<details open><summary>dbt</summary>" in body


def test_comment_says_when_a_target_tier_left_no_result(tmp_path, monkeypatch):
    """helix targets local and qa; only local's job wrote results (qa's failed in setup)."""
    from tierform.ci.command import comment_command

    monkeypatch.delenv("TIERFORM_CONFIG", raising=False)
    results = tmp_path / "data-ci"
    report.write_results(results, "local", 7, [CheckOutcome("dags", "pass", "ok", "")], {})
    report.write_results(results, "gone", 7, [CheckOutcome("dags", "pass", "ok", "")], {})
    body_file = tmp_path / "body.md"
    comment_command(results=results, output=body_file, root=HELIX_CONFIG.parent)
    body = body_file.read_text(encoding="utf-8")
    local, qa, gone = (body.index(f"### Data CI — tier `{t}`") for t in ("local", "qa", "gone"))
    assert local < qa < gone  # config order, then a tier that is no longer a target
    assert "❌ **no result**" in body[qa:gone] and "no result" not in body[local:qa]


def test_each_check_is_a_commit_status(monkeypatch):
    calls = []
    monkeypatch.setattr(github_checks, "_gh", lambda *a, body=None: calls.append((a, body)))
    outcomes = [CheckOutcome("dbt", "fail", "1 failed", ""), CheckOutcome("dags", "skip", "-", "")]
    github_checks.post_statuses("o/r", "abc", "dev", outcomes, None)
    assert calls[0][0][0] == "repos/o/r/statuses/abc"
    assert calls[0][1] == {
        "state": "failure",
        "context": "data-ci/dev/dbt",
        "description": "1 failed",
    }
    assert calls[1][1]["state"] == "success"


def test_sweep_tears_down_only_prs_closed_long_ago(tmp_path, monkeypatch):
    ctx = _dev_context(tmp_path)
    for pr in (1, 2, 3):
        write_record(ctx.ledger, EnvironmentRecord(pr=pr, tier="dev", kind="snowflake"))
    states = {
        1: ("closed", "2026-11-01T00:00:00Z"),
        2: ("closed", "2026-11-30T00:00:00Z"),
        3: ("open", None),
    }
    monkeypatch.setattr(sweep, "pull_request_state", lambda repo, pr: states[pr])
    monkeypatch.setattr(sweep, "teardown", lambda c, pr: f"dropped {pr}")
    lines = sweep.sweep(ctx, "o/r", 7, now=datetime(2026, 12, 2, tzinfo=UTC))
    assert lines == [
        "dropped 1",
        "PR 2: closed 2026-11-30T00:00:00Z, kept (less than 7 day(s) ago)",
        "PR 3: open, kept",
    ]


# --- workflows ----------------------------------------------------------------------------


def _workflow(name: str) -> dict:
    import yaml
    from support import REPO

    return yaml.safe_load((REPO / ".github" / "workflows" / name).read_text())


def test_pr_runs_data_ci_per_target_tier_and_closed_prs_are_torn_down():
    pr = _workflow("pr.yml")["jobs"]
    assert pr["data-ci"]["strategy"]["matrix"] == (
        "${{ fromJSON(needs.data-ci-targets.outputs.targets) }}"
    )
    assert pr["data-ci"]["environment"] == "${{ matrix.plan_environment }}"
    runs = [s.get("run", "") for s in pr["data-ci"]["steps"]]
    assert any(
        r.startswith(".venv/bin/python -m tierform ci run") and "--statuses" in r for r in runs
    )
    assert pr["data-ci"]["permissions"]["statuses"] == "write"
    assert pr["data-ci-comment"]["if"].startswith("always()")
    closed = _workflow("pr-closed.yml")
    assert closed[True]["pull_request"]["types"] == ["closed"]  # YAML reads `on:` as True
    assert closed["jobs"]["teardown"]["strategy"]["matrix"] == (
        "${{ fromJSON(needs.targets.outputs.targets) }}"
    )
    assert closed["jobs"]["teardown"]["environment"] == "${{ matrix.plan_environment }}"
    steps = closed["jobs"]["teardown"]["steps"]
    assert any("make ci-teardown" in s.get("run", "") for s in steps)
    sweep_wf = _workflow("data-ci-sweep.yml")
    assert "schedule" in sweep_wf[True]
    assert any("make ci-sweep" in s.get("run", "") for s in sweep_wf["jobs"]["sweep"]["steps"])
    assert sweep_wf["jobs"]["sweep"]["environment"] == "${{ matrix.plan_environment }}"


def test_a_damaged_pr_record_is_one_line_exit_2(tmp_path):
    copy_config(tmp_path)
    record = tmp_path / ".tierform" / "ledger" / "local" / "ci" / "pr" / "7.json"
    record.parent.mkdir(parents=True)
    record.write_text("{not json")
    result = run_tierform_in_process(
        "ci", "teardown", "--tier", "local", "--pr", "7", "--root", str(tmp_path)
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "7.json is not valid JSON" in result.stderr
    assert record.exists()  # nothing is dropped on the strength of a damaged record


def test_databricks_pr_schemas_live_in_the_tier_catalog(tmp_path, monkeypatch):
    """The example has no Databricks dbt target: the tier's step is replaced by one."""
    from tierform.config.release import DbtStep

    fake = FakeDbt(monkeypatch)
    ctx = _dev_context(tmp_path)
    step = DbtStep("examples/dbt", "examples/dbt", "dev", "databricks", slim=False)
    monkeypatch.setattr(dbt_check, "dbt_step_or_fail", lambda c: step)
    monkeypatch.setattr(sys.modules["tierform.ci.teardown"], "dbt_step_or_fail", lambda c: step)
    dbt_check.run_dbt_check(ctx, 12)
    assert fake.statements == [
        "CREATE SCHEMA IF NOT EXISTS analytics_dev.pr_12_marts",
        "CREATE SCHEMA IF NOT EXISTS analytics_dev.pr_12_staging",
    ]
    fake.statements.clear()
    teardown(ctx, 12)
    assert fake.statements == [
        "DROP SCHEMA IF EXISTS analytics_dev.pr_12_marts CASCADE",
        "DROP SCHEMA IF EXISTS analytics_dev.pr_12_staging CASCADE",
    ]


def test_the_pr_comment_knows_which_tiers_were_sent_to_plan():
    """A plan job that dies before planning leaves no artifact; the comment job passes the
    promotion job's plan_tiers, so plan-summary shows that tier as failed."""
    pr = _workflow("pr.yml")["jobs"]
    assert pr["promotion"]["outputs"]["plan_tiers"] == "${{ steps.rules.outputs.plan_tiers }}"
    render = next(s for s in pr["comment"]["steps"] if "make plan-summary" in s.get("run", ""))
    assert render["env"]["TIERFORM_PLAN_TIERS"] == "${{ needs.promotion.outputs.plan_tiers }}"
    from tierform.gitops.plan_summary import EXPECT_VARIABLE
    from tierform.gitops.promotion import github_outputs

    assert EXPECT_VARIABLE == "TIERFORM_PLAN_TIERS"
    written = github_outputs({"deploy_matrix": {}, "plan_matrix": {}, "deploy": [],
                              "plan": [{"tier": "dev"}, {"tier": "prod"}]})  # fmt: skip
    assert "plan_tiers=dev prod\n" in written
