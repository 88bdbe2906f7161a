"""`tierform diff` and both apply modes of `tierform apply` with the real cdktf CLI and
Terraform on the example's local tier, each in its own repository copy:

- reviewed-plan: `cdktf diff` → the kept plan is exported → exactly that plan is applied
  (the release steps run inside it); a stale plan is refused, a missing one is exit 2;
- deploy: `cdktf deploy local --auto-approve`;
- a failed diff still writes its status (first error line), exit 1, and the PR comment
  rendered from the real plan JSON shows the failed tier and the changed attributes.
"""

from __future__ import annotations

import json
import shutil

import pytest
from release_support import RepoCopy, make_repo_copy
from support import edit_yaml

pytestmark = pytest.mark.integration


def tierform(repo: RepoCopy, *args: str, **env: str):
    return repo.run(str(repo.root / ".venv" / "bin" / "python"), "-m", "tierform", *args, **env)


def ok(result):
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return result


def status(repo: RepoCopy, tier: str = "local") -> dict:
    return json.loads((repo.root / "plans" / f"{tier}.status.json").read_text())


def state_addresses(repo: RepoCopy) -> list[str]:
    state = json.loads(repo.state_file.read_text())
    return sorted(f"{r['type']}.{r['name']}" for r in state["resources"])


def test_reviewed_plan_mode_applies_the_plan_cdktf_diff_kept(tmp_path):
    repo = make_repo_copy(tmp_path)

    # A protected tier applies in reviewed-plan mode by default (apply_mode). Not by a
    # promotion rule: a tier CI deploys may not keep its state in the checkout.
    def protect_local(data: dict) -> None:
        data["tiers"][data["tiers"].index("local")] = {
            "name": "local",
            "kind": "local",
            "protected": True,
        }

    edit_yaml(repo.root / "config" / "platform.yaml", protect_local)
    plans = repo.root / "plans"
    ok(tierform(repo, "diff", "--tier", "local"))
    assert status(repo) == {"tier": "local", "status": "planned", "error": None}
    kept = repo.stack_dir / "plan"
    assert kept.read_bytes() == (plans / "local.tfplan").read_bytes()
    planned = json.loads((plans / "local.json").read_text())
    assert {c["address"] for c in planned["resource_changes"]} == {
        "terraform_data.release_dbt",
        "terraform_data.release_dags",
    }

    missing = tierform(repo, "apply", "--tier", "local", "--plan", "plans/none.tfplan")
    assert missing.returncode == 2, missing.stderr
    assert "plans/none.tfplan: no saved plan for 'local'" in missing.stderr
    assert "Traceback" not in missing.stderr and not repo.state_file.exists()

    first = tmp_path / "first.tfplan"
    shutil.copy(plans / "local.tfplan", first)
    applied = ok(tierform(repo, "apply", "--tier", "local"))  # default: plans/local.tfplan
    assert "apply mode reviewed-plan" in applied.stderr
    assert repo.duckdb_file.is_file()  # the reviewed plan ran the dbt release
    assert state_addresses(repo) == ["terraform_data.release_dags", "terraform_data.release_dbt"]

    serial = json.loads(repo.state_file.read_text())["serial"]
    stale = tierform(repo, "apply", "--tier", "local", "--plan", str(first))
    assert stale.returncode == 3, stale.stdout + stale.stderr
    assert "is stale" in stale.stderr and "Nothing was applied" in stale.stderr
    assert json.loads(repo.state_file.read_text())["serial"] == serial

    ok(tierform(repo, "diff", "--tier", "local"))
    assert status(repo)["status"] == "no-changes"

    # A model changes: the dbt step is replaced. Another tier's plan fails.
    model = repo.root / "examples" / "dbt" / "models" / "marts" / "dim_customers.sql"
    model.write_text(model.read_text() + "\n-- changed\n")
    ok(tierform(repo, "diff", "--tier", "local"))
    assert status(repo)["status"] == "planned"
    failed = tierform(repo, "diff", "--tier", "dev", "--skip-synth")
    assert failed.returncode == 1
    assert status(repo, "dev")["status"] == "failed"
    assert "no synthesized stack 'dev'" in status(repo, "dev")["error"]
    assert not (plans / "dev.json").exists() and not (plans / "dev.tfplan").exists()

    ok(tierform(repo, "plan-summary", "--plans-dir", "plans", "-o", "plans/summary.md"))
    md = (plans / "summary.md").read_text()
    assert "| **dev** | ❌ failed: ``cdktf.out/stacks/dev: no synthesized stack 'dev'" in md
    # The DAG release ships the dbt project the DAGs run: both release steps are replaced.
    local_row = next(x for x in md.splitlines() if x.startswith("| **local** |"))
    assert local_row.startswith("| **local** | planned | 0 | 0 | 0 | **2** |"), local_row
    assert "`terraform_data.release_dbt`" in local_row, local_row
    assert "`terraform_data.release_dags`" in local_row, local_row
    row = next(x for x in md.splitlines() if x.startswith("| ♻️ | `terraform_data.release_dbt`"))
    before, after = (
        c["change"][side]["triggers_replace"]["content_sha256"]
        for c in json.loads((plans / "local.json").read_text())["resource_changes"]
        if c["address"] == "terraform_data.release_dbt"
        for side in ("before", "after")
    )
    assert f"`triggers_replace.content_sha256`: `{before}` → `{after}`" in row
    assert md.index("**dev**") > md.index("**local**")  # promotion order

    ok(tierform(repo, "apply", "--tier", "local", "--skip-synth"))
    ok(tierform(repo, "diff", "--tier", "local", "--skip-synth"))
    assert status(repo)["status"] == "no-changes"


def test_deploy_mode_runs_cdktf_deploy(tmp_path):
    repo = make_repo_copy(tmp_path)
    applied = ok(tierform(repo, "apply", "--tier", "local"))  # local: unprotected → deploy
    assert "apply mode deploy" in applied.stderr
    assert "Apply complete!" in applied.stdout  # cdktf deploy's own output
    assert repo.duckdb_file.is_file() and (repo.dags_folder / "RELEASE.json").is_file()
    assert state_addresses(repo) == ["terraform_data.release_dags", "terraform_data.release_dbt"]
    ok(tierform(repo, "diff", "--tier", "local", "--skip-synth"))
    assert status(repo)["status"] == "no-changes"


def test_failed_diff_reports_terraforms_first_error_line(tmp_path):
    repo = make_repo_copy(tmp_path)
    repo.state_file.parent.mkdir(parents=True)
    repo.state_file.write_text("this is not a Terraform state")
    result = tierform(repo, "diff", "--tier", "local")
    assert result.returncode == 1
    error = status(repo)["error"]
    assert status(repo)["status"] == "failed"
    assert error.startswith("Error: ") and "state" in error.lower(), error
    assert f"local: failed: {error}" in result.stderr
    assert not (repo.root / "plans" / "local.tfplan").exists()
