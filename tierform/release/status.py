"""`tierform.release status`: what is released where, for one tier."""

from __future__ import annotations

import os
from pathlib import Path

from tierform.release.context import ReleaseContext
from tierform.release.dag_release import releases
from tierform.release.dbt_build import last_result, last_success_dir
from tierform.release.records import read_json


def tier_status(ctx: ReleaseContext) -> dict:
    dbt_step = ctx.platform.dbt_step(ctx.tier)
    dags_step = ctx.platform.dags_step(ctx.tier)
    status: dict = {"tier": ctx.tier.name, "dbt": None, "dags": None}
    if dbt_step is not None:
        success = read_json(last_success_dir(ctx) / "release.json")
        status["dbt"] = {
            "project_dir": dbt_step.project_dir,
            "target": dbt_step.target,
            "last_run": last_result(ctx),
            "last_success": success,
            "duckdb_file": _duckdb_file(ctx, dbt_step.target)
            if dbt_step.adapter == "duckdb"
            else None,
        }
    if dags_step is not None and ctx.tier.airflow is not None:
        state = releases(ctx)
        active = next((r for r in state["releases"] if r["release_id"] == state["active"]), None)
        target = ctx.tier.airflow.dag_target(ctx.tier.name)
        status["dags"] = {
            "folder": dags_step.folder,
            "target": {"kind": target.kind, "location": target.location},
            "active": active,
            "releases": [r["release_id"] for r in state["releases"]],
            "rollback_to": state["history"][-2] if len(state["history"]) > 1 else None,
        }
    return status


def _duckdb_file(ctx: ReleaseContext, target: str) -> str:
    path = os.environ.get("TIERFORM_DUCKDB_PATH") or str(
        Path(".tierform") / "duckdb" / f"{target}.duckdb"
    )
    return path


def render(status: dict) -> list[str]:
    """Human-readable lines (also what `make deploy` prints at the end)."""
    lines = [f"tier {status['tier']}"]
    dbt = status["dbt"]
    if dbt is None:
        lines.append("  dbt:   no dbt release on this tier")
    else:
        run = dbt["last_run"]
        if run is None:
            lines.append(f"  dbt:   {dbt['project_dir']} (target {dbt['target']}) — never built")
        else:
            verdict = "passed" if run["success"] else "FAILED"
            counts = ", ".join(f"{n} {s}" for s, n in sorted(run["counts"].items()))
            lines.append(
                f"  dbt:   last build {verdict} at {run['finished_at']} "
                f"(content {run['content_sha256'][:12]}, target {run['target']}; {counts})"
            )
            for failure in run["failures"]:
                lines.append(f"         {failure['status']}: {failure['node']}")
        if dbt["last_success"]:
            lines.append(
                f"         last success: content {dbt['last_success']['content_sha256'][:12]} "
                f"at {dbt['last_success']['finished_at']}"
            )
        if dbt["duckdb_file"]:
            lines.append(f"         DuckDB file: {dbt['duckdb_file']}")
    dags = status["dags"]
    if dags is None:
        lines.append("  dags:  no DAG release on this tier")
    elif dags["active"] is None:
        lines.append(f"  dags:  {dags['folder']} — never published")
    else:
        active = dags["active"]
        git = f", git {active['git_sha'][:10]}" if active.get("git_sha") else ""
        lines.append(
            f"  dags:  release {active['release_id']} active on {dags['target']['kind']} "
            f"{dags['target']['location']} (content {active['content_sha256'][:12]}{git})"
        )
        lines.append(f"         DAGs: {', '.join(active['dag_ids'])}")
        back = dags["rollback_to"]
        lines.append(
            f"         {len(dags['releases'])} release(s) kept; "
            + (f"`rollback` would re-activate {back}" if back else "nothing to roll back to")
        )
    return lines


def how_to_look(status: dict) -> list[str]:
    """Hints for the local tier: how to open what was just built."""
    lines = []
    dbt = status["dbt"]
    if dbt and dbt["duckdb_file"]:
        lines += [
            "Look at the marts:",
            f"  .venv/bin/python -c \"import duckdb; print(duckdb.connect('{dbt['duckdb_file']}', "
            "read_only=True).sql('select * from main_marts.dim_customers'))\"",
        ]
    dags = status["dags"]
    if dags and dags["active"] and dags["target"]["kind"] == "local":
        location = dags["target"]["location"]
        lines += [
            "Look at the DAGs:",
            f"  ls -l {location}/ && cat {location}/RELEASE.json",
            "Run them with Airflow (metadata in .tierform/airflow-home):",
            f"  export AIRFLOW_HOME=$PWD/.tierform/airflow-home AIRFLOW__CORE__DAGS_FOLDER=$PWD/{location} "
            "AIRFLOW__CORE__LOAD_EXAMPLES=False",
            f"  .venv/bin/airflow db migrate && .venv/bin/airflow dags test {dags['active']['dag_ids'][0] if dags['active']['dag_ids'] else '<dag id>'}",
            "  .venv/bin/airflow standalone   # or the UI on http://localhost:8080",
        ]
    return lines
