"""Every check fails its failing fixture (naming the check and the resource or instance) and
passes its passing one, through the real gate and the real checkov."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fixtures import CASES
from policy_support import run_policy, verdicts, write_stack

from tierform.policy.catalog import BY_ID, CHECKS, enforced

CHECKS_DIR = Path(__file__).resolve().parents[2] / "tierform" / "policy" / "checkov_checks"


def stack_name(check_id: str, kind: str, outcome: str) -> str:
    base = f"{check_id.lower()}-{outcome}"
    return base if kind == "prod" else f"{kind}-{base}"


@pytest.fixture(scope="module")
def gate_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("checks")
    outdir = root / "cdktf.out"
    for check_id, (kind, failing, passing, _) in CASES.items():
        write_stack(outdir, stack_name(check_id, kind, "fail"), failing)
        write_stack(outdir, stack_name(check_id, kind, "ok"), passing)
    results = root / "results"
    # Run where no config/ exists: each stack's tier kind comes from its name.
    result = run_policy("--outdir", str(outdir), "--results", str(results), cwd=root)
    return result, verdicts(results)


def test_every_custom_check_has_cases_and_a_catalog_entry():
    written = set()
    for path in CHECKS_DIR.glob("*.py"):
        written |= set(re.findall(r'\bID = "(CKV_TF_[A-Z]+_\d{3})"', path.read_text()))
    custom = {c.id for c in CHECKS if not c.builtin}
    assert written == custom
    assert set(CASES) == custom


def test_gate_exits_1_on_failing_fixtures(gate_run):
    result, data = gate_run
    assert result.returncode == 1, result.stdout + result.stderr
    assert not data["problems"]


@pytest.mark.parametrize("check_id", sorted(CASES))
def test_failing_fixture_fails_with_check_and_resource_named(gate_run, check_id):
    result, data = gate_run
    kind, _, _, target = CASES[check_id]
    stack = stack_name(check_id, kind, "fail")
    hits = [f for f in data["findings"] if f["stack"] == stack and f["check"] == check_id]
    assert [h["resource"] for h in hits] == [target], data["findings"]
    # Security fails everywhere; cost and hygiene warn on dev (see test_severity.py).
    expected = "fail" if enforced(kind, BY_ID[check_id].category) else "warn"
    assert hits[0]["verdict"] == expected
    row = next(line for line in result.stdout.splitlines() if check_id in line and stack in line)
    assert target.split("[")[0] in row


@pytest.mark.parametrize("check_id", sorted(CASES))
def test_passing_fixture_passes(gate_run, check_id):
    _, data = gate_run
    kind, _, _, _ = CASES[check_id]
    stack = stack_name(check_id, kind, "ok")
    mine = [f for f in data["findings"] if f["stack"] == stack]
    assert [f for f in mine if f["check"] == check_id] == []
    # Only checkov's built-in MWAA log checks may still speak about the bare MWAA fixture.
    assert all(f["check"].startswith("CKV_AWS_") for f in mine), mine
    assert data["stacks"][stack]["scanned"] == data["stacks"][stack]["resources"] > 0


def test_readme_lists_every_check_with_its_reason():
    readme = (CHECKS_DIR.parents[2] / "README.md").read_text()
    for check in CHECKS:
        assert f"| `{check.id}` | {check.category} |" in readme, check.id
        assert check.reason in readme, check.id


def test_checks_default_limits_match_the_gate():
    """checkov_checks/ cannot import tierform (another virtualenv): its fallback limits, used
    when checkov runs without the gate, are a copy that must not drift."""
    import ast

    from tierform.policy.gate import LIMITS

    tree = ast.parse((CHECKS_DIR / "tierform_checklib.py").read_text())
    assigned = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "DEFAULT_LIMITS"
    )
    assert ast.literal_eval(assigned) == LIMITS
