"""`tierform.release dags` and `rollback`: versioned DAG releases of one tier.

Every publish is a complete folder under `.tierform/releases/<tier>/dags/versions/<id>/`
(the DAG files plus RELEASE.json: content hash, git SHA, time, DAG ids, target), validated
with Airflow's parser *before* the tier's target is touched. `releases.json` lists the
releases in order and which one is active; rollback re-publishes the one before it.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from tierform.config.airflow import DagTarget
from tierform.release.content import content_sha256, shipped_files
from tierform.release.context import ReleaseContext, ReleaseError
from tierform.release.dag_check import check_dags
from tierform.release.dbt_build import duckdb_path
from tierform.release.publishers import publisher_for
from tierform.release.records import git_sha, now, read_json, write_json
from tierform.release.report import Reporter

MANIFEST = "RELEASE.json"
KEEP_VERSIONS = 10


def dags_dir(ctx: ReleaseContext) -> Path:
    return ctx.release_dir / "dags"


def versions_dir(ctx: ReleaseContext) -> Path:
    return dags_dir(ctx) / "versions"


def releases(ctx: ReleaseContext) -> dict:
    """{"releases": [manifest, …] oldest first, "active": release id or None,
    "history": [release id, …] the activations, a stack: publish pushes, rollback pops}."""
    state = read_json(dags_dir(ctx) / "releases.json", {"releases": [], "active": None})
    state.setdefault("history", [state["active"]] if state["active"] else [])
    return state


def dag_target(ctx: ReleaseContext) -> DagTarget:
    if ctx.platform.dags_step(ctx.tier) is None or ctx.tier.airflow is None:
        raise ReleaseError(
            f"tier {ctx.tier.name!r} has no DAG release (it needs release.dags in "
            "config/platform.yaml, an airflow section, and release.dags.enabled)"
        )
    return ctx.tier.airflow.dag_target(ctx.tier.name)


def release_dags(ctx: ReleaseContext, report: Reporter) -> dict:
    target = dag_target(ctx)
    step = ctx.platform.dags_step(ctx.tier)
    assert step is not None
    source = ctx.path(step.folder)
    content = content_sha256(source)
    stamp = now().replace("-", "").replace(":", "")
    release_id = f"{stamp}-{content[:12]}"
    if (versions_dir(ctx) / release_id).exists():  # published twice within one second
        release_id += f"-{len(releases(ctx)['releases'])}"
    staging = versions_dir(ctx) / f".{release_id}.tmp"
    final = versions_dir(ctx) / release_id
    shutil.rmtree(staging, ignore_errors=True)
    report.info(f"staging {step.folder} as release {release_id}")
    files = _stage(source, staging)
    manifest = _manifest(ctx, target, release_id, content, files)
    write_json(staging / MANIFEST, manifest)  # the DAGs read their tier from it while parsing
    try:
        report.info("validating with Airflow's DAG parser")
        check = check_dags(ctx.root, staging, {"PYTHONDONTWRITEBYTECODE": "1"})
        if not check.ok:
            report.fail(
                f"{len(check.errors)} DAG file(s) failed to import; nothing was published "
                f"(active release unchanged: {releases(ctx)['active'] or 'none'})"
            )
            for line in check.error_lines():
                report.detail(line)
            raise ReleaseError("DAG validation failed")
        if not check.dags:
            report.fail(f"no DAG found in {step.folder}; nothing was published")
            raise ReleaseError(
                "refusing to publish a release without DAGs (it would remove every DAG "
                "of the tier); set release.dags.enabled: false to stop publishing"
            )
        manifest["dag_ids"] = sorted(check.dags)
        write_json(staging / MANIFEST, manifest)
        staging.rename(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report.ok(f"{len(manifest['dag_ids'])} DAG(s) valid: {', '.join(manifest['dag_ids'])}")
    try:
        where = publisher_for(target, ctx.root).publish(final)
    except BaseException:
        # Not published, so not a release: the previous one stays active and listed.
        shutil.rmtree(final, ignore_errors=True)
        raise
    _record(ctx, manifest, activate=release_id)
    report.ok(f"published release {release_id} to {where}")
    return manifest


def rollback(ctx: ReleaseContext, report: Reporter) -> dict:
    """Re-activate the release that was active before the current one (repeatable: each
    rollback steps one activation further back)."""
    target = dag_target(ctx)
    state = releases(ctx)
    history = state["history"]
    if len(history) < 2:
        raise ReleaseError(f"tier {ctx.tier.name!r} has no earlier DAG release to roll back to")
    by_id = {r["release_id"]: r for r in state["releases"]}
    previous = by_id.get(history[-2])
    folder = versions_dir(ctx) / history[-2]
    if previous is None or not folder.is_dir():
        raise ReleaseError(f"release {history[-2]} is no longer kept ({folder})")
    report.info(f"rolling back {state['active']} → {previous['release_id']}")
    where = publisher_for(target, ctx.root).publish(folder)
    _record(ctx, None, activate=previous["release_id"], rollback=True)
    report.ok(f"release {previous['release_id']} is active again ({where})")
    return previous


def _stage(source: Path, staging: Path) -> list[str]:
    files = []
    for relative, path in shipped_files(source):
        if relative == MANIFEST:
            continue  # written by us
        dest = staging / relative
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
        files.append(relative)
    staging.mkdir(parents=True, exist_ok=True)
    return files


def _manifest(
    ctx: ReleaseContext, target: DagTarget, release_id: str, content: str, files: list[str]
) -> dict:
    dbt = ctx.platform.dbt_step(ctx.tier)
    manifest = {
        "release_id": release_id,
        "tier": ctx.tier.name,
        "content_sha256": content,
        "git_sha": git_sha(ctx.root),
        "created_at": now(),
        "dag_ids": [],
        "files": files,
        "target": {"kind": target.kind, "location": target.location},
        "environment": target.environment_name,
        "dbt_target": dbt.target if dbt else None,
    }
    if dbt and target.kind == "local":
        # A local Airflow runs on this machine: its tasks use the repository's project, this
        # virtualenv's dbt and the tier's DuckDB file. (Machine paths are fine here: this
        # file lives in the git-ignored .tierform/, never in the synthesized JSON or state.)
        manifest["dbt_project_dir"] = str(ctx.path(dbt.project_dir))
        manifest["dbt_executable"] = str(Path(sys.executable).parent / "dbt")
        if dbt.adapter == "duckdb":
            manifest["dbt_env"] = {"TIERFORM_DUCKDB_PATH": str(duckdb_path(ctx, dbt.target))}
    return manifest


def _record(
    ctx: ReleaseContext, manifest: dict | None, *, activate: str, rollback: bool = False
) -> None:
    state = releases(ctx)
    if manifest is not None:
        state["releases"].append(manifest)
    if rollback:
        state["history"].pop()
    else:
        state["history"].append(activate)
    state["active"] = activate
    state["releases"], state["history"] = _prune(ctx, state["releases"], state["history"])
    write_json(dags_dir(ctx) / "releases.json", state)


def _prune(
    ctx: ReleaseContext, kept: list[dict], history: list[str]
) -> tuple[list[dict], list[str]]:
    """Keep the newest KEEP_VERSIONS releases, and always the last two activations (what
    the next rollback needs); forget the rest, folders included."""
    ids = [r["release_id"] for r in kept]
    keep = set(ids[-KEEP_VERSIONS:]) | set(history[-2:])
    for release_id in ids:
        if release_id not in keep:
            shutil.rmtree(versions_dir(ctx) / release_id, ignore_errors=True)
    return [r for r in kept if r["release_id"] in keep], [h for h in history if h in keep]
