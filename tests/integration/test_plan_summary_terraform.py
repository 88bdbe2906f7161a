"""`tierform plan-summary` on plan JSON produced by the real terraform: a first version of a
terraform_data stack is applied, then a second version adds, changes, replaces (a release
step whose trigger hash changed, and a data store) and destroys resources."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support import REPO, tool_env
from terraform_data_stack import Stack, data

pytestmark = pytest.mark.integration

V1 = {
    "keep": data("one"),
    "doomed": data("bye"),
    "store": data("s", {"schema_sha256": "1111"}),
    "release_dbt": data(triggers={"content_sha256": "aaaaaaaaaaaaaaaa1", "tier": "local"}),
    "release_dags": data(triggers={"content_sha256": "dddd", "tier": "local"}),
}
V2 = {
    "keep": data("two"),  # in-place change
    "fresh": data("hello"),  # add
    "store": data("s", {"schema_sha256": "2222"}),  # replace (not a release step)
    "release_dbt": data(triggers={"content_sha256": "bbbbbbbbbbbbbbbb2", "tier": "local"}),
    "release_dags": data(triggers={"content_sha256": "dddd", "tier": "local"}),  # unchanged
}


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plan-summary")
    stack = Stack(tmp / "cdktf.out")
    stack.write(V1)
    stack.init()
    stack.apply()
    stack.write(V2)
    return stack.plan_json(tmp / "local.json")


def summary(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tierform", "plan-summary", *args],
        cwd=REPO,
        env=tool_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_counts_and_callouts_from_real_plan(plan_file):
    result = summary("--plan", f"local={plan_file}")
    assert result.returncode == 0, result.stderr
    md = result.stdout
    assert md.startswith("<!-- tierform:plan-summary -->")
    # add 1 (fresh), change 1 (keep), destroy 1 (doomed), replace 2 (store, release_dbt)
    assert "| **local** | planned | 1 | 1 | **1** | **2** | `terraform_data.release_dbt` |" in md
    head = md.split("<details>")[0]
    assert "**🗑️ 1 resource(s) will be DESTROYED:**" in head
    assert "- **local**: **`terraform_data.doomed`**" in head
    assert "**♻️ 1 resource(s) will be REPLACED" in head
    assert "**`terraform_data.store`** — changed `schema_sha256` 1111 → 2222" in head
    # release steps are replaced by design: listed in the tier section, not as a warning
    assert "release_dbt`** —" not in head


def test_release_step_says_which_trigger_changed(plan_file):
    md = summary("--plan", f"local={plan_file}").stdout
    line = next(x for x in md.splitlines() if x.startswith("- `terraform_data.release_dbt`"))
    assert "`content_sha256` aaaaaaaaaaaa… → bbbbbbbbbbbb…" in line
    assert "tier" not in line.split("changed", 1)[1]  # unchanged keys are not listed
    assert "release_dags`:" not in md  # its hashes did not change: it does not run


def test_resources_grouped_by_type_in_collapsible_section(plan_file):
    md = summary("--plan", f"dev={plan_file}", "--plan", f"local={plan_file}").stdout
    assert md.count("<details>") == 2 and md.count("</details>") == 2
    assert md.index("<b>local</b>") < md.index("<b>dev</b>")  # config/platform.yaml order
    assert (
        "<summary><b>local</b>: 1 to add, 1 to change, 1 to destroy, 2 to replace</summary>" in md
    )
    assert "`terraform_data` (1 destroy, 2 replace, 1 add, 1 change)" in md
    rows = [x for x in md.splitlines() if x.startswith("| ") and "terraform_data." in x]
    assert "| 🗑️ | `terraform_data.doomed` | destroy |  |" in rows


def test_output_file_and_bad_input(plan_file, tmp_path):
    out = tmp_path / "comment.md"
    assert summary("--plan", f"local={plan_file}", "-o", str(out)).returncode == 0
    assert "terraform_data.doomed" in out.read_text()
    state_like = tmp_path / "state.json"
    state_like.write_text(json.dumps({"format_version": "1.0", "values": {}}))
    for arg, message in [
        (f"local={state_like}", "Terraform state JSON, not a plan"),
        (str(plan_file), "expected TIER=PATH"),
        (f"local={tmp_path / 'missing.json'}", "file not found"),
    ]:
        result = summary("--plan", arg)
        assert result.returncode == 2, arg
        assert message in result.stderr and "Traceback" not in result.stderr
