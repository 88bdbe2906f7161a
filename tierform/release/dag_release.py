"""`tierform.release dags`, `rollback` and `repair`: versioned DAG releases of one tier.

Every publish is a complete folder (the DAG files plus RELEASE.json: content hash, git SHA,
time, DAG ids, target), validated with Airflow's parser before anything is recorded or
touched. Its record lives in the tier's ledger (tierform/ledger/dag_records.py), in this
order: upload the release, record it as being switched to, switch the target, mark it
active. This machine keeps a materialized copy under `.tierform/releases/<tier>/dags/
versions/<id>/` (what a local DAGs folder links to, what a publisher uploads from); a fresh
clone downloads a release from the ledger before it re-publishes it.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from tierform.config.airflow import DagTarget
from tierform.ledger import CorruptRecord
from tierform.ledger import dag_records as records
from tierform.release.artifact import (
    artifact_description,
    artifact_files,
    artifact_sha256,
    source_paths,
    write_files,
)
from tierform.release.context import ReleaseContext, ReleaseError
from tierform.release.dag_check import check_dags
from tierform.release.dbt_build import duckdb_path
from tierform.release.publishers import publisher_for
from tierform.release.records import git_dirty, git_sha, now, write_json
from tierform.release.report import Reporter

MANIFEST = records.MANIFEST
KEEP_VERSIONS = 10


class UnknownRelease(ReleaseError):
    """`--to` names a release the tier does not keep: bad input (exit 2), nothing changed."""

    exit_code = 2


def versions_dir(ctx: ReleaseContext) -> Path:
    return ctx.release_dir / "dags" / "versions"


def dag_target(ctx: ReleaseContext) -> DagTarget:
    if ctx.platform.dags_step(ctx.tier) is None or ctx.tier.airflow is None:
        raise ReleaseError(
            f"tier {ctx.tier.name!r} has no DAG release (it needs release.dags in "
            "config/platform.yaml, an airflow section, and release.dags.enabled)"
        )
    return ctx.tier.airflow.dag_target(ctx.tier.name)


def state(ctx: ReleaseContext) -> dict:
    """The tier's DAG release state from the ledger (CorruptRecord when it is damaged)."""
    return records.read_state(ctx.ledger)


def release_dags(ctx: ReleaseContext, report: Reporter) -> dict:
    target = dag_target(ctx)
    step = ctx.platform.dags_step(ctx.tier)
    assert step is not None
    ledger = ctx.ledger
    current = records.read_state(ledger)  # a damaged record stops us before anything changes
    if current["switching"]:
        abandoned = current["switching"]
        report.info(
            f"an earlier switch to release {abandoned} was interrupted; it never became "
            "active and is dropped (this release replaces whatever is live)"
        )
        current["releases"] = [r for r in current["releases"] if r != abandoned]
        current["switching"] = None
        records.write_state(ledger, current)
    for orphan in records.clean_partial(ledger, current):
        report.info(f"removed partial release {orphan} (an upload that was never recorded)")
    artifact = artifact_files(ctx.platform, ctx.tier)  # DAGs + dbt project + requirements
    content = artifact_sha256(artifact)
    stamp = now().replace("-", "").replace(":", "")
    release_id = f"{stamp}-{content[:12]}"
    if release_id in current["releases"]:  # published twice within one second
        release_id += f"-{len(current['releases'])}"
    staging = versions_dir(ctx) / f".{release_id}.tmp"
    final = versions_dir(ctx) / release_id
    shutil.rmtree(staging, ignore_errors=True)
    report.info(f"staging {step.folder} (with the dbt project it runs) as release {release_id}")
    write_files(artifact, staging)
    files = list(artifact)
    manifest = _manifest(ctx, target, release_id, content, files)
    _write_local_manifest(ctx, target, staging, manifest)  # the DAGs read their tier from it
    try:
        report.info("validating with Airflow's DAG parser")
        check = check_dags(
            ctx.root,
            staging,
            checks=ctx.tier.release.dags.checks,
            airflow_major=ctx.tier.airflow_major,
        )
        for note in check.notes:
            report.info(f"note: {note}")
        if not check.ok:
            report.fail(
                f"{len(check.errors)} DAG file(s) failed the DAG checks; nothing was published "
                f"(active release unchanged: {current['active'] or 'none'})"
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
        _write_local_manifest(ctx, target, staging, manifest)
        shutil.rmtree(final, ignore_errors=True)
        staging.rename(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report.ok(f"{len(manifest['dag_ids'])} DAG(s) valid: {', '.join(manifest['dag_ids'])}")
    # 1. record the new release (files, then manifest, then the state naming it)
    records.upload(ledger, final, manifest)
    current["releases"].append(release_id)
    current["switching"] = release_id
    records.write_state(ledger, current)
    # 2. switch
    try:
        where = publisher_for(target, ctx.root).publish(final)
    except BaseException:
        # Not published, so not a release: the previous one stays active and listed.
        current["releases"].remove(release_id)
        current["switching"] = None
        records.write_state(ledger, current)
        records.delete_release(ledger, release_id)
        shutil.rmtree(final, ignore_errors=True)
        raise
    # 3. mark active
    _activate(ctx, current, release_id, kind="publish")
    report.ok(f"published release {release_id} to {where} (recorded in {ledger.location})")
    return manifest


def rollback(ctx: ReleaseContext, report: Reporter, to: str | None = None) -> dict:
    """Re-activate the release that was active before the current one (repeatable: each
    rollback steps one activation further back), or the release `to` names."""
    target = dag_target(ctx)
    ledger = ctx.ledger
    current = records.read_state(ledger)
    if current["switching"]:
        raise ReleaseError(
            f"a switch to release {current['switching']} was interrupted, so what is live is "
            f"unknown; run `tierform release repair --tier {ctx.tier.name}` first"
        )
    history = current["history"]
    if to is not None:
        if to not in current["releases"]:
            raise UnknownRelease(
                f"release {to!r} is not kept for tier {ctx.tier.name!r} "
                f"(kept: {', '.join(current['releases']) or 'none'})"
            )
        chosen, kind = to, "activate"
    elif len(history) < 2:
        raise ReleaseError(f"tier {ctx.tier.name!r} has no earlier DAG release to roll back to")
    else:
        chosen, kind = history[-2], "rollback"
    if chosen not in current["releases"]:
        raise ReleaseError(f"release {chosen} is no longer kept in {ledger.location}")
    folder = materialize(ctx, target, chosen)
    report.info(f"rolling back {current['active']} → {chosen}")
    current["switching"] = chosen
    records.write_state(ledger, current)
    try:
        where = publisher_for(target, ctx.root).publish(folder)
    except BaseException:
        current["switching"] = None
        records.write_state(ledger, current)
        raise
    _activate(ctx, current, chosen, kind=kind)
    report.ok(f"release {chosen} is active again ({where})")
    return records.manifest(ledger, chosen)


def repair(ctx: ReleaseContext, report: Reporter) -> dict:
    """Make the ledger's DAG record whole again: rebuild a damaged state.json from the stored
    releases and the activation log, settle an interrupted switch by re-publishing the
    recorded active release, drop releases whose objects are damaged, remove partial
    uploads. The active release is never deleted."""
    target = dag_target(ctx)
    ledger = ctx.ledger
    republish = False
    try:
        current = records.read_state(ledger)
    except CorruptRecord as exc:
        report.info(f"{exc}: rebuilding it from the stored releases and activations")
        complete, _partial = records.stored_releases(ledger)
        history = records.replay_activations(ledger, set(complete))
        current = {
            "releases": complete,
            "active": history[-1] if history else None,
            "history": history,
            "switching": None,
        }
        republish = True
    if current["switching"]:
        report.info(f"the switch to release {current['switching']} was interrupted")
        if current["switching"] != current["active"]:
            current["releases"] = [r for r in current["releases"] if r != current["switching"]]
        current["switching"] = None
        republish = True
    readable = []
    for release_id in current["releases"]:
        try:
            records.manifest(ledger, release_id)
            readable.append(release_id)
        except CorruptRecord as exc:
            if release_id == current["active"]:
                raise ReleaseError(
                    f"the active release {release_id} is damaged ({exc}); publish a new "
                    f"release (`make deploy TIER={ctx.tier.name}`) to replace it"
                ) from None
            report.info(f"dropping release {release_id}: {exc}")
    current["releases"] = readable
    current["history"] = [h for h in current["history"] if h in readable]
    if current["active"] and (
        not current["history"] or current["history"][-1] != current["active"]
    ):
        current["history"].append(current["active"])
    for orphan in records.clean_partial(ledger, current):
        report.info(f"removed partial or unrecorded release {orphan}")
    if republish and current["active"]:
        folder = materialize(ctx, target, current["active"])
        where = publisher_for(target, ctx.root).publish(folder)
        report.info(f"re-published the recorded active release {current['active']} to {where}")
    records.write_state(ledger, current)
    report.ok(
        f"DAG record of tier {ctx.tier.name!r} is consistent: {len(readable)} release(s), "
        f"active {current['active'] or 'none'}"
    )
    return current


def materialize(ctx: ReleaseContext, target: DagTarget, release_id: str) -> Path:
    """This machine's copy of a release, downloaded from the ledger when it is not here."""
    folder = versions_dir(ctx) / release_id
    local = folder / MANIFEST
    try:
        have = json.loads(local.read_text(encoding="utf-8")) if local.is_file() else None
    except (OSError, json.JSONDecodeError):
        have = None
    if have is None or have.get("release_id") != release_id:
        manifest = records.download(ctx.ledger, release_id, folder)
        _write_local_manifest(ctx, target, folder, manifest)
    return folder


def _activate(ctx: ReleaseContext, current: dict, release_id: str, *, kind: str) -> None:
    ledger = ctx.ledger
    records.record_activation(ledger, release_id, kind, now())
    if kind == "rollback":
        current["history"].pop()
    else:
        current["history"].append(release_id)
    current["active"] = release_id
    current["switching"] = None
    dropped = _prune(current)
    records.write_state(ledger, current)
    for old in dropped:  # only after the state no longer lists them
        records.delete_release(ledger, old)
        shutil.rmtree(versions_dir(ctx) / old, ignore_errors=True)


def _prune(current: dict) -> list[str]:
    """Keep the newest KEEP_VERSIONS releases, and always the last two activations (what
    the next rollback needs); returns the ids to forget."""
    ids = current["releases"]
    keep = set(ids[-KEEP_VERSIONS:]) | set(current["history"][-2:])
    current["releases"] = [r for r in ids if r in keep]
    current["history"] = [h for h in current["history"] if h in keep]
    return [r for r in ids if r not in keep]


def _manifest(
    ctx: ReleaseContext, target: DagTarget, release_id: str, content: str, files: list[str]
) -> dict:
    """What the ledger records: the same on every machine (no machine paths). `git_dirty`
    says whether the released files differed from `git_sha` (uncommitted or untracked)."""
    artifact = artifact_description(ctx.platform, ctx.tier)
    return {
        "release_id": release_id,
        "tier": ctx.tier.name,
        "content_sha256": content,
        "git_sha": git_sha(ctx.root),
        "git_dirty": git_dirty(ctx.root, source_paths(ctx.platform, ctx.tier)),
        "created_at": now(),
        "dag_ids": [],
        "files": files,
        "target": {"kind": target.kind, "location": target.location},
        "environment": target.environment_name,
        "dbt_target": artifact["dbt"]["target"] if artifact["dbt"] else None,
        "artifact": artifact,
    }


def _write_local_manifest(
    ctx: ReleaseContext, target: DagTarget, folder: Path, manifest: dict
) -> None:
    """RELEASE.json inside the published folder. A local Airflow runs on this machine, in
    this checkout: `local` says where the repository root is (relative to this file's
    folder) and, relative to that root, this virtualenv's dbt and the tier's DuckDB file.
    Relative paths only, so the checkout can move; written into the local copy only."""
    local = dict(manifest)
    dbt = ctx.platform.dbt_step(ctx.tier)
    if target.kind == "local":
        root = ctx.root.absolute()
        section: dict = {"repo_root": os.path.relpath(root, folder.absolute())}
        executable = Path(sys.executable).absolute().parent / "dbt"
        if executable.is_relative_to(root):
            section["dbt_executable"] = executable.relative_to(root).as_posix()
        if dbt and dbt.adapter == "duckdb":
            duckdb = duckdb_path(ctx, dbt.target).absolute()
            if duckdb.is_relative_to(root):
                section["dbt_env"] = {"TIERFORM_DUCKDB_PATH": duckdb.relative_to(root).as_posix()}
        local["local"] = section
    write_json(folder / MANIFEST, local)
