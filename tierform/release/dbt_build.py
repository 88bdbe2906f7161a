"""`tierform.release dbt`: build the tier's dbt project and keep its artifacts.

dbt works in this machine's scratch folder `.tierform/releases/<tier>/dbt/<content hash>/`;
the record of each build (manifest, run results, result) goes to the tier's ledger
(tierform/ledger/dbt_records.py), which is where `--slim` finds the last successful
manifest, from any clone or CI runner.
"""

from __future__ import annotations

import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tierform.config.release import DbtStep
from tierform.ledger import dbt_records
from tierform.release.content import content_sha256
from tierform.release.context import ReleaseContext, ReleaseError
from tierform.release.dbt_identity import IdentityError, dbt_identity
from tierform.release.dbt_publish import conclude, publish_mode, publisher_for
from tierform.release.records import git_sha, now
from tierform.release.report import Reporter, use_rich

ARTIFACTS = dbt_records.ARTIFACTS
FAILED_STATUSES = {"error", "fail", "runtime error"}


@dataclass
class DbtOutcome:
    success: bool
    content_sha256: str
    run_dir: Path
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None


def dbt_dir(ctx: ReleaseContext) -> Path:
    return ctx.release_dir / "dbt"


def state_dir(ctx: ReleaseContext) -> Path:
    """Where the last successful manifest is downloaded for `--defer --state`."""
    return dbt_dir(ctx) / "state"


def dbt_step(ctx: ReleaseContext) -> DbtStep:
    step = ctx.platform.dbt_step(ctx.tier)
    if step is None:
        raise ReleaseError(f"tier {ctx.tier.name!r} has no dbt release (see release: in config)")
    return step


def release_dbt(ctx: ReleaseContext, report: Reporter, *, slim: bool | None = None) -> DbtOutcome:
    step = dbt_step(ctx)
    project = ctx.path(step.project_dir)
    content = content_sha256(project)
    run_dir = dbt_dir(ctx) / content[:16]
    slim = step.slim if slim is None else slim
    _prepare_environment(ctx, step)
    report.info(
        f"dbt build of {step.project_dir} (target {step.target}, content {content[:12]})"
        + (" — slim: state:modified+" if slim else "")
    )
    common = ["--project-dir", str(project), "--profiles-dir", str(ctx.path(step.profiles_dir))]
    common += ["--target-path", str(run_dir / "target"), "--log-path", str(run_dir / "logs")]
    publisher = publisher_for(ctx, step, report)
    with _shadow_environment(
        publisher, report, [*profile_args(ctx, step), "--target", step.target], run_dir
    ):
        return _build(ctx, report, step, project, content, run_dir, slim, common, publisher)


def _build(ctx, report, step, project, content, run_dir, slim, common, publisher) -> DbtOutcome:
    if _declares_packages(project):
        report.info("dbt deps (the project declares packages)")
        # `dbt deps` takes no --target-path/--log-path (it fails on them): only where the
        # project and profiles are. Packages install into the project's packages folder,
        # which the release's content hash ignores.
        deps = _invoke(["deps", *profile_args(ctx, step)])
        if not deps.success:
            return _finish(
                ctx, report, step, DbtOutcome(False, content, run_dir, error=_why(deps)), publisher
            )
    args = ["build", "--target", step.target, *common]
    warehouse = duckdb_path(ctx, step.target) if step.adapter == "duckdb" else None
    if slim and warehouse is not None and not warehouse.exists():
        # The warehouse is a file of this machine (in blue/green, the shadow copied from the
        # live file): without one, the last build's tables are not here to defer to, and a
        # slim run would build nothing and publish an empty database as a success.
        report.info(
            f"no DuckDB warehouse on this machine yet ({ctx.show(warehouse)}): "
            "building everything, not state:modified+"
        )
        slim = False
    if slim:
        state = state_dir(ctx)
        shutil.rmtree(state, ignore_errors=True)
        success = dbt_records.fetch_last_success(ctx.ledger, step.target, state)
        if success is not None:
            report.info(
                f"deferring to the last successful build {success['run_id']} "
                f"(commit {str(success.get('git_sha') or '?')[:10]}, from {ctx.ledger.location})"
            )
            args += ["--select", "state:modified+", "--defer", "--state", str(state)]
        else:
            report.info("no successful build recorded for this tier yet: building everything")
    started = time.monotonic()
    result = _invoke(args)
    outcome = DbtOutcome(result.success, content, run_dir)
    outcome.counts, outcome.failures = _summarize(result.result)
    if not result.success and not outcome.failures:
        outcome.error = _why(result)
    report.info(f"dbt finished in {time.monotonic() - started:.1f} s")
    return _finish(ctx, report, step, outcome, publisher)


def profile_args(ctx: ReleaseContext, step: DbtStep) -> list[str]:
    return [
        "--project-dir",
        str(ctx.path(step.project_dir)),
        "--profiles-dir",
        str(ctx.path(step.profiles_dir)),
    ]


@contextmanager
def _shadow_environment(publisher, report: Reporter, dbt_args: list[str], run_dir: Path):
    """Blue/green: the build runs against the shadow (its environment set here, restored
    after, so nothing later in this process mistakes the shadow for the live data)."""
    if publisher is None:
        yield
        return
    overrides = publisher.prepare(report, dbt_args, run_dir)
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _prepare_environment(ctx: ReleaseContext, step: DbtStep) -> None:
    # dbt's anonymous usage events would try to reach the internet on every run.
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    if not use_rich():
        # Terraform's log and CI consoles show colour codes as noise.
        os.environ.setdefault("DBT_USE_COLORS", "false")
    identity = dbt_identity(ctx.tier) if step.adapter == "snowflake" else None
    if identity is not None:
        # dbt builds as the tier's own dbt service user, never as the deploying identity.
        try:
            os.environ.update(identity.environment(os.environ))
        except IdentityError as exc:
            raise ReleaseError(str(exc)) from None
    if step.adapter == "duckdb":
        path = duckdb_path(ctx, step.target)
        os.environ[DUCKDB_PATH_VARIABLE] = str(path)
        path.parent.mkdir(parents=True, exist_ok=True)


DUCKDB_PATH_VARIABLE = "TIERFORM_DUCKDB_PATH"


def duckdb_path(ctx: ReleaseContext, target: str) -> Path:
    return duckdb_file(ctx.root, target)


def duckdb_file(root: Path, target: str) -> Path:
    """The DuckDB file a DuckDB target builds into (profiles.yml reads TIERFORM_DUCKDB_PATH):
    the variable when set, else under the git-ignored .tierform/ folder of `root`. The PR
    comment's `dbt ls` sets the same (gitops/dbt_models.py): the file is part of each
    model's relation, which `state:modified` compares."""
    configured = os.environ.get(DUCKDB_PATH_VARIABLE)
    if configured:
        return Path(configured).absolute()
    return root / ".tierform" / "duckdb" / f"{target}.duckdb"


def _declares_packages(project: Path) -> bool:
    for name in ("packages.yml", "dependencies.yml"):
        path = project / name
        if path.is_file():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if isinstance(data, dict) and data.get("packages"):
                return True
    return False


def _invoke(args: list[str]):
    # Imported here: dbt costs seconds to import, and only this command needs it. dbtRunner
    # is not safe for concurrent invocations in one process; the CLI runs them in sequence.
    from dbt.cli.main import dbtRunner

    return dbtRunner().invoke(args)


def _why(result) -> str:
    return str(result.exception) if result.exception else "dbt reported a failure"


def summarize_results(run_result) -> tuple[dict[str, int], list[dict[str, str]]]:
    """({status: count}, the failed nodes with file and message) of a dbt result; the
    release and PR CI (tierform/ci/dbt_check.py) report dbt the same way."""
    return _summarize(run_result)


def _summarize(run_result) -> tuple[dict[str, int], list[dict[str, str]]]:
    counts: dict[str, int] = {}
    failures: list[dict[str, str]] = []
    for item in getattr(run_result, "results", None) or []:
        status = str(getattr(item.status, "value", item.status))
        counts[status] = counts.get(status, 0) + 1
        if status in FAILED_STATUSES:
            node = item.node
            failures.append(
                {
                    "node": node.unique_id,
                    "status": status,
                    "file": str(getattr(node, "original_file_path", "") or ""),
                    "message": " ".join(str(item.message or "").split())[:500],
                }
            )
    return counts, failures


def _finish(
    ctx: ReleaseContext, report: Reporter, step: DbtStep, outcome: DbtOutcome, publisher=None
) -> DbtOutcome:
    run_dir = outcome.run_dir
    artifacts = {
        name: (run_dir / "target" / name).read_bytes()
        for name in ARTIFACTS
        if (run_dir / "target" / name).is_file()
    }
    finished = now()
    record = {
        "tier": ctx.tier.name,
        "target": step.target,
        "content_sha256": outcome.content_sha256,
        "git_sha": git_sha(ctx.root),
        "finished_at": finished,
        "success": outcome.success,
        "counts": outcome.counts,
        "failures": outcome.failures,
        "error": outcome.error,
    }
    run_id = f"{finished.replace('-', '').replace(':', '')}-{outcome.content_sha256[:12]}"
    if publisher is not None:
        version = {
            "run_id": run_id,
            "content_sha256": outcome.content_sha256,
            "git_sha": record["git_sha"],
            "success": outcome.success,
        }
        published, record["publish"] = conclude(ctx, report, step, publisher, version)
        if outcome.success and not published:
            outcome.success = record["success"] = False
            outcome.error = record["error"] = record["publish"].get("error")
    else:
        record["publish"] = {"mode": publish_mode(step)[0]}
    dbt_records.record_run(ctx.ledger, step.target, run_id, artifacts, record)
    record["run_dir"] = ctx.ledger.url(f"dbt/{step.target}/runs/{run_id}")
    summary = ", ".join(f"{n} {s}" for s, n in sorted(outcome.counts.items())) or "no nodes ran"
    if outcome.success:
        report.ok(f"dbt build passed ({summary}); artifacts in {record['run_dir']}")
        return outcome
    report.fail(f"dbt build failed ({summary})")
    for failure in outcome.failures:
        where = f" ({failure['file']})" if failure["file"] else ""
        report.detail(f"{failure['status']}: {failure['node']}{where}: {failure['message']}")
    if outcome.error:
        report.detail(outcome.error.strip())
    return outcome


def last_result(ctx: ReleaseContext, target: str) -> dict | None:
    return dbt_records.last_result(ctx.ledger, target)
