"""`tierform.release status`: what is released where, for one tier, read from its ledger
(so any clone with credentials sees what CI released)."""

from __future__ import annotations

import os
from pathlib import Path

from tierform.ledger import dag_records, deployments
from tierform.ledger.lease import LOCK
from tierform.release.context import ReleaseContext
from tierform.release.dbt_build import last_result
from tierform.release.dbt_publish import describe_mode, publish_mode


def tier_status(ctx: ReleaseContext) -> dict:
    """Raises CorruptRecord (naming the object) when a record cannot be read."""
    dbt_step = ctx.platform.dbt_step(ctx.tier)
    dags_step = ctx.platform.dags_step(ctx.tier)
    ledger = ctx.ledger
    status: dict = {
        "tier": ctx.tier.name,
        "ledger": ledger.location,
        "dbt": None,
        "dags": None,
        "deployment": deployments.latest(ledger),
        "lock": ledger.read_json(LOCK),
    }
    if dbt_step is not None:
        from tierform.ledger import dbt_records

        status["dbt"] = {
            "project_dir": dbt_step.project_dir,
            "target": dbt_step.target,
            "last_run": last_result(ctx, dbt_step.target),
            "last_success": dbt_records.last_success(ledger, dbt_step.target),
            "publish_mode": publish_mode(dbt_step)[0],
            "publish_text": describe_mode(dbt_step),
            "published": dbt_records.read_publish(ledger, dbt_step.target),
            "duckdb_file": _duckdb_file(ctx, dbt_step.target)
            if dbt_step.adapter == "duckdb"
            else None,
        }
    if dags_step is not None and ctx.tier.airflow is not None:
        state = dag_records.read_state(ledger)
        active = dag_records.manifest(ledger, state["active"]) if state["active"] else None
        target = ctx.tier.airflow.dag_target(ctx.tier.name)
        status["dags"] = {
            "folder": dags_step.folder,
            "target": {"kind": target.kind, "location": target.location},
            "active": active,
            "releases": state["releases"],
            "switching": state["switching"],
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
    lines = [f"tier {status['tier']} (ledger {status['ledger']})"]
    deployed = status.get("deployment")
    if deployed:
        lines.append(
            f"  deployed: {deployed['outcome']} at {deployed['finished_at']}, commit "
            f"{deployed['commit'][:10]} by {deployed.get('who') or '?'}"
            + (f" ({deployed['run_url']})" if deployed.get("run_url") else "")
        )
    lock = status.get("lock")
    if lock:
        lines.append(
            f"  lock:  held by {lock.get('who')} on {lock.get('where')} until {lock.get('until')} "
            f"(lock id {lock.get('lock_id')})"
        )
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
        lines += _publish_lines(dbt)
        if dbt["duckdb_file"]:
            lines.append(f"         DuckDB file: {dbt['duckdb_file']}")
    dags = status["dags"]
    if dags is None:
        lines.append("  dags:  no DAG release on this tier")
    elif dags["active"] is None:
        lines.append(f"  dags:  {dags['folder']} — never published")
        if dags.get("switching"):
            lines.append(
                f"         INTERRUPTED switch to {dags['switching']}: run `tierform release repair --tier {status['tier']}`"
            )
    else:
        active = dags["active"]
        git = f", git {active['git_sha'][:10]}" if active.get("git_sha") else ""
        lines.append(
            f"  dags:  release {active['release_id']} active on {dags['target']['kind']} "
            f"{dags['target']['location']} (content {active['content_sha256'][:12]}{git})"
        )
        lines.append(f"         DAGs: {', '.join(active['dag_ids'])}")
        back = dags["rollback_to"]
        if dags.get("switching"):
            lines.append(
                f"         INTERRUPTED switch to {dags['switching']}: run `tierform release "
                f"repair --tier {status['tier']}`"
            )
        lines.append(
            f"         {len(dags['releases'])} release(s) kept ({', '.join(dags['releases'])}); "
            + (f"`rollback` would re-activate {back}" if back else "nothing to roll back to")
        )
    return lines


def _publish_lines(dbt: dict) -> list[str]:
    lines = [f"         publish: {dbt.get('publish_text') or dbt.get('publish_mode')}"]
    state = dbt.get("published") or {}
    for key, label in (("live", "live"), ("previous", "rollback target"), ("shadow", "shadow")):
        version = state.get(key)
        if not version:
            continue
        what = "failed build kept for inspection" if key == "shadow" else "build"
        lines.append(
            f"         {label}: {what} {version['run_id']} (content "
            f"{version['content_sha256'][:12]}) in {version.get('location') or '?'}"
        )
    if state.get("publishing"):
        lines.append(
            f"         INTERRUPTED publish of build {state['publishing']['run_id']}: the live "
            "version may be either; the next release settles it"
        )
    return lines


def how_to_look(status: dict) -> list[str]:
    """Hints for the local tier: how to open what was just built."""
    lines = []
    dbt = status["dbt"]
    if dbt and dbt["duckdb_file"]:
        lines += [
            "Look at the tables dbt built:",
            f"  .venv/bin/python -c \"import duckdb; print(duckdb.connect('{dbt['duckdb_file']}', "
            'read_only=True).sql(\\"select table_schema, table_name from information_schema.tables '
            'order by 1, 2\\"))"',
        ]
    dags = status["dags"]
    if dags and dags["active"] and dags["target"]["kind"] == "local":
        location = dags["target"]["location"]
        from tierform.local_airflow.settings import home_folder

        home = home_folder(status.get("tier") or "<tier>").as_posix()
        lines += [
            "Look at the DAGs:",
            f"  ls -l {location}/ && cat {location}/RELEASE.json",
            f"Run them with Airflow (metadata in {home}, as `make airflow`):",
            f"  export AIRFLOW_HOME=$PWD/{home} AIRFLOW__CORE__DAGS_FOLDER=$PWD/{location} "
            "AIRFLOW__CORE__LOAD_EXAMPLES=False",
            f"  .venv/bin/airflow db migrate && .venv/bin/airflow dags test {dags['active']['dag_ids'][0] if dags['active']['dag_ids'] else '<dag id>'}",
            # Not `airflow standalone`: `make airflow` is the supported local runtime (its own
            # home per tier, a port check, the login it prints), what the README describes.
            f"Or the Airflow UI on them: make airflow TIER={status.get('tier') or '<tier>'}"
            "   # prints its URL and login; make airflow-stop to stop it",
        ]
    return lines


def markdown_summary(platform, root: Path) -> str:
    """Every tier's status as Markdown (the deploy job's summary)."""
    from tierform.ledger import LedgerError
    from tierform.release.context import ReleaseContext

    lines = ["## Tierform release status", ""]
    for tier in platform.tiers.values():
        ctx = ReleaseContext(root=root, platform=platform, tier=tier)
        try:
            body = render(tier_status(ctx))
        except LedgerError as exc:  # CorruptRecord included: say so, show the other tiers
            body = [f"tier {tier.name}", f"  ledger unreadable: {exc}"]
        lines += [f"### `{tier.name}`", "", "```", *body, "```", ""]
    return "\n".join(lines)
