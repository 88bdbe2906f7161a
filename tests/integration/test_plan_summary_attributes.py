"""Changed attributes in the PR comment from a real Terraform plan: before → after for an
in-place change, and a value Terraform marks sensitive (`sensitive(...)`) masked on both
sides — the plan JSON holds it in clear text, the comment must not."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support import REPO, tool_env
from terraform_data_stack import Stack, data

pytestmark = pytest.mark.integration


def test_real_plan_shows_changes_and_masks_sensitive_values(tmp_path):
    stack = Stack(tmp_path / "cdktf.out")
    stack.write({"plain": data("alpha"), "secret": data('${sensitive("hunter2-old")}')})
    stack.init()
    stack.apply()
    stack.write({"plain": data("beta"), "secret": data('${sensitive("hunter2-new")}')})
    (tmp_path / "plans").mkdir()
    plan = stack.plan_json(tmp_path / "plans" / "local.json")
    assert "hunter2-new" in plan.read_text()  # what the masking protects against
    result = subprocess.run(
        [sys.executable, "-m", "tierform", "plan-summary", "--plans-dir", str(plan.parent)],
        cwd=REPO, env=tool_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    md = result.stdout
    assert "hunter2" not in md
    rows = {x.split("|")[2].strip(): x for x in md.splitlines() if x.startswith("| ✏️ |")}
    assert "`input`: `alpha` → `beta`" in rows["`terraform_data.plain`"]
    assert "`input`: _(sensitive)_ → _(sensitive)_" in rows["`terraform_data.secret`"]
    assert "`output`: _(sensitive)_ → _(known after apply)_" in rows["`terraform_data.secret`"]
