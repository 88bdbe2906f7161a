"""Resources shaped like our Databricks constructs emit them — `for_each` over a literal map
plus `dynamic` blocks fed from `each.value` — through the real gate and checkov.

checkov 3.3.30 crashes on `dynamic` in terraform_json (line markers inside the block); the
checks library works around it and renders dynamic blocks from the real for_each data, so a
bad grant or a branch-following prod job inside a dynamic block is still caught."""

from __future__ import annotations

from policy_support import run_policy, write_stack

GRANTS_DYNAMIC = {
    "grant": {
        "content": {
            "principal": "${grant.value.principal}",
            "privileges": "${grant.value.privileges}",
        },
        "for_each": "${each.value.grants}",
        "iterator": "grant",
    }
}


def grants_resource(grants_by_key: dict[str, list[dict]]) -> dict:
    return {
        "databricks_grants": {
            "schemas": {
                "schema": "${each.value.schema}",
                "dynamic": GRANTS_DYNAMIC,
                "for_each": {
                    key: {"schema": f"main.{key.lower()}", "grants": grants}
                    for key, grants in grants_by_key.items()
                },
            }
        }
    }


def job_resource(git_source: dict) -> dict:
    return {
        "databricks_job": {
            "jobs": {
                "name": "${each.value.name}",
                "run_as": {"service_principal_name": "${each.value.sp}"},
                "dynamic": {
                    "git_source": {
                        "content": {
                            "url": "${git.value.url}",
                            "provider": "gitHub",
                            "branch": "${git.value.branch}",
                            "tag": "${git.value.tag}",
                        },
                        "for_each": "${each.value.git}",
                        "iterator": "git",
                    },
                    # nested: a task's dbt block comes from the task's own data
                    "task": {
                        "content": {
                            "task_key": "${task.value.key}",
                            "dynamic": {
                                "dbt_task": {
                                    "content": {"project_directory": "${dbt.value.project}"},
                                    "for_each": "${task.value.dbt}",
                                    "iterator": "dbt",
                                }
                            },
                        },
                        "for_each": "${each.value.tasks}",
                        "iterator": "task",
                    },
                },
                "for_each": {
                    "NIGHTLY": {
                        "name": "[prod] NIGHTLY",
                        "sp": "0000-sp",
                        "git": [git_source],
                        "tasks": [
                            {"key": "INGEST", "dbt": []},
                            {"key": "BUILD", "dbt": [{"project": "examples/dbt"}]},
                        ],
                    }
                },
            }
        }
    }


def test_all_privileges_inside_a_dynamic_block_is_caught_per_instance(tmp_path):
    outdir = tmp_path / "cdktf.out"
    write_stack(
        outdir,
        "prod",
        grants_resource(
            {
                "BRONZE": [{"principal": "data-engineers", "privileges": ["USE_SCHEMA"]}],
                "GOLD": [
                    {"principal": "analysts", "privileges": ["SELECT"]},
                    {"principal": "account users", "privileges": ["ALL_PRIVILEGES"]},
                ],
            }
        ),
    )
    result = run_policy("--outdir", str(outdir), "--results", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "CKV_TF_DBX_005" in result.stdout
    assert 'databricks_grants.schemas["GOLD"]' in result.stdout
    assert '["BRONZE"]' not in result.stdout


def test_dynamic_blocks_are_scanned_not_crashed_on(tmp_path):
    outdir = tmp_path / "cdktf.out"
    write_stack(
        outdir,
        "prod",
        {
            **grants_resource(
                {"BRONZE": [{"principal": "data-engineers", "privileges": ["USE_SCHEMA"]}]}
            ),
            **job_resource({"url": "https://example.com/r.git", "branch": None, "tag": "v1.2.0"}),
        },
    )
    result = run_policy("--outdir", str(outdir), "--results", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "crashed" not in result.stdout + result.stderr


def test_prod_job_on_a_branch_inside_a_dynamic_git_source_fails(tmp_path):
    outdir = tmp_path / "cdktf.out"
    write_stack(
        outdir,
        "prod",
        job_resource({"url": "https://example.com/r.git", "branch": "main", "tag": None}),
    )
    result = run_policy("--outdir", str(outdir), "--results", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "CKV_TF_DBX_003" in result.stdout
    assert 'databricks_job.jobs["NIGHTLY"]' in result.stdout
