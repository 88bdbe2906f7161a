"""The dbt part of `ci run`: the PR's `state:modified+` (models, their tests and unit tests,
and everything downstream) built and tested into the PR environment, deferring to the
target tier's last successful manifest from its release ledger; a full build, said plainly,
when the tier has none yet."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tierform.ci import dbt_invoke
from tierform.ci.errors import CiInputError
from tierform.ci.pr_env import duckdb_file, schemas
from tierform.ci.pr_env.record import EnvironmentRecord, read_record, write_record
from tierform.ci.result import Annotation, CheckOutcome
from tierform.config.release import DbtStep, dbt_profile_targets
from tierform.gitops.markdown import cell, code
from tierform.ledger import dbt_records
from tierform.release import dbt_build
from tierform.release.context import ReleaseContext
from tierform.release.records import now

CHECK = "dbt"
# state:modified+ without its `relation` part: a PR environment builds every node somewhere
# else than the tier does (another DuckDB catalog, PR_<N>_ schemas), which dbt would count
# as a modified relation of every node, and the slim build would become a full one.
SELECTOR = [
    f"state:modified.{part}+"
    for part in ("body", "configs", "macros", "contract", "persisted_descriptions")
]
COUNTED = ("model", "test", "seed", "snapshot", "unit_test")


@dataclass
class DbtCiRun:
    outcome: CheckOutcome
    full_build: bool
    nodes_built: int = 0
    nodes_in_project: int = 0
    # The models built: unique_id → (PR relation, tier relation or None), each a
    # (database, schema, identifier) triple, for the data impact.
    models: dict[str, tuple[tuple[str, str, str], tuple[str, str, str] | None]] = field(
        default_factory=dict
    )
    dbt_args: list[str] = field(default_factory=list)  # profile + target of the PR environment


def dbt_step_or_fail(ctx: ReleaseContext) -> DbtStep:
    step = ctx.platform.dbt_step(ctx.tier)
    if step is None:
        raise CiInputError(f"--tier {ctx.tier.name!r} has no dbt release (release.dbt) to defer to")
    return step


def run_dbt_check(ctx: ReleaseContext, pr: int, *, full: bool = False) -> DbtCiRun:
    try:
        return _run(ctx, pr, full)
    finally:
        # The PR prefix is this build's only: nothing later in the process builds under it.
        os.environ.pop(schemas.PREFIX_VARIABLE, None)


def _run(ctx: ReleaseContext, pr: int, full: bool) -> DbtCiRun:
    step = dbt_step_or_fail(ctx)
    scratch = duckdb_file.scratch_dir(ctx.root, pr)
    state = scratch / "state"
    shutil.rmtree(state, ignore_errors=True)
    pointer = None if full else dbt_records.fetch_last_success(ctx.ledger, step.target, state)
    dbt_build._prepare_environment(ctx, step)  # usage stats off; Snowflake: the dbt identity
    project = ctx.path(step.project_dir)
    profile_args = ["--project-dir", str(project), "--profiles-dir"]
    common_tail = ["--target", step.target]
    record = _start_record(ctx, pr, step)
    if step.adapter == "duckdb":
        profile = dbt_profile_targets(ctx.platform.repo_root, ctx.platform.platform.release.dbt)[0]
        output = duckdb_file.profile_output(
            ctx.path(step.profiles_dir) / "profiles.yml", profile, step.target
        )
        warehouse = dbt_build.duckdb_path(ctx, step.target)
        setup = duckdb_file.prepare(ctx.root, pr, warehouse, profile, step.target, output)
        record.created = sorted(set(record.created) | set(setup.created))
        write_record(ctx.ledger, record)
        dbt_args = [*profile_args, str(setup.profiles_dir), *common_tail]
        where = f"{setup.database.relative_to(ctx.root)} (a copy of {ctx.show(warehouse)})"
        if setup.copied_from is None:
            pointer = None  # nothing of the tier's to read: deferral would point at nothing
            where = f"{setup.database.relative_to(ctx.root)} (the tier has no warehouse yet)"
    elif step.adapter in ("snowflake", "databricks"):
        os.environ[schemas.PREFIX_VARIABLE] = schemas.prefix(pr, step.adapter)
        dbt_args = [*profile_args, str(ctx.path(step.profiles_dir)), *common_tail]
        names = _parse_schemas(dbt_args, scratch, pr, step.adapter)
        record.created = sorted(set(record.created) | set(names))
        write_record(ctx.ledger, record)  # before anything exists: teardown knows it all
        dbt_invoke.run_statements(schemas.create_statements(names, step.adapter), dbt_args)
        where = ", ".join(names) or "(no schema)"
    else:
        raise CiInputError(
            f"--tier {ctx.tier.name!r}: dbt target {step.target!r} uses adapter {step.adapter!r}; "
            "PR environments exist for duckdb, snowflake and databricks"
        )
    run = _build(ctx, step, project, dbt_args, scratch, state, pointer, where)
    record.last_status = run.outcome.status
    record.updated_at = now()
    write_record(ctx.ledger, record)
    return run


def _start_record(ctx: ReleaseContext, pr: int, step: DbtStep) -> EnvironmentRecord:
    record = read_record(ctx.ledger, pr)
    kind = step.adapter
    if record is None:
        record = EnvironmentRecord(pr=pr, tier=ctx.tier.name, kind=kind, created_at=now())
    record.updated_at = now()
    return record


def _parse_schemas(dbt_args: list[str], scratch: Path, pr: int, kind: str) -> list[str]:
    target = scratch / "parse"
    result = dbt_invoke.invoke(["parse", *dbt_args, "--target-path", str(target)])
    manifest = target / "manifest.json"
    if not result.success or not manifest.is_file():
        raise CiInputError(f"dbt parse failed: {dbt_invoke.why(result)}")
    return schemas.pr_schemas(json.loads(manifest.read_text(encoding="utf-8")), pr, kind)


def _build(ctx, step, project, dbt_args, scratch, state, pointer, where) -> DbtCiRun:
    target = scratch / "target"
    paths = ["--target-path", str(target), "--log-path", str(scratch / "logs")]
    if dbt_build._declares_packages(project):
        deps = dbt_invoke.invoke(["deps", *dbt_args[:4]])  # deps takes project + profiles only
        if not deps.success:
            text = f"dbt deps failed: {dbt_invoke.why(deps)}"
            return DbtCiRun(CheckOutcome(CHECK, "fail", text, text), full_build=pointer is None)
    args = ["build", *dbt_args, *paths]
    if pointer is not None:
        # --favor-state: unselected nodes are read from the tier even where the PR
        # environment has a (copied, possibly older) relation of the same name.
        args += ["--select", *SELECTOR, "--defer", "--favor-state", "--state", str(state)]
        mode = (
            f"slim: `state:modified+`, deferring to {step.target}'s build {pointer['run_id']} "
            f"(commit {str(pointer.get('git_sha') or '?')[:10]}, from {ctx.ledger.location})"
        )
    else:
        mode = f"**full build**: tier {ctx.tier.name!r} has no successful dbt build recorded yet"
    result = dbt_invoke.invoke(args)
    counts, failures = dbt_build.summarize_results(result.result)
    run = DbtCiRun(CheckOutcome(CHECK, "skip", "", ""), full_build=pointer is None)
    run.dbt_args = dbt_args
    # Selected but skipped (a parent's test failed) is not built.
    run.nodes_built = sum(n for status, n in counts.items() if status != "skipped")
    run.nodes_in_project = _nodes_in(target / "manifest.json")
    run.models = _built_models(result.result, target / "manifest.json", state / "manifest.json")
    failed = not result.success
    tally = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "nothing to build"
    summary = f"{run.nodes_built} of {run.nodes_in_project} nodes built ({tally})"
    lines = [f"- {mode}", f"- PR environment: {code(where)}", f"- {summary}"]
    annotations = []
    if failures:
        lines += ["", "| failed | file | message |", "|---|---|---|"]
        for f in failures:
            lines.append(f"| {code(f['node'])} | {code(f['file'])} | {cell(f['message'][:300])} |")
            path = f"{step.project_dir}/{f['file']}" if f["file"] else step.project_dir
            annotations.append(
                Annotation(path, None, f"{f['status']}: {f['node']}: {f['message']}")
            )
    elif failed:
        lines.append(f"- dbt failed: {dbt_invoke.why(result)}")
    status = "fail" if failed else "pass"
    if failed:
        summary = f"{len(failures) or 'dbt'} failed — " + summary
    run.outcome = CheckOutcome(CHECK, status, summary, "\n".join(lines), tuple(annotations))
    return run


def _nodes_in(manifest_file: Path) -> int:
    if not manifest_file.is_file():
        return 0
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    nodes = [n for n in manifest.get("nodes", {}).values() if n.get("resource_type") in COUNTED]
    return len(nodes) + len(manifest.get("unit_tests") or {})


def _relation(node: dict) -> tuple[str, str, str]:
    return (str(node["database"]), str(node["schema"]), str(node.get("alias") or node["name"]))


def _built_models(run_result, pr_manifest: Path, tier_manifest: Path) -> dict:
    if not pr_manifest.is_file():
        return {}
    pr_nodes = json.loads(pr_manifest.read_text(encoding="utf-8")).get("nodes", {})
    tier_nodes = {}
    if tier_manifest.is_file():
        tier_nodes = json.loads(tier_manifest.read_text(encoding="utf-8")).get("nodes", {})
    built = {}
    for item in getattr(run_result, "results", None) or []:
        node_id = item.node.unique_id
        status = str(getattr(item.status, "value", item.status))
        if not node_id.startswith("model.") or status != "success" or node_id not in pr_nodes:
            continue
        tier = tier_nodes.get(node_id)
        built[node_id] = (_relation(pr_nodes[node_id]), _relation(tier) if tier else None)
    return built
