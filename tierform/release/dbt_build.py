"""`tierform.release dbt`: build the tier's dbt project and keep its artifacts.

Layout under `.tierform/releases/<tier>/dbt/`:
  <content hash>/manifest.json, run_results.json, release.json   one folder per content hash
  last-success/manifest.json (+ run_results.json, release.json)  what --slim defers to
  last.json                                                      the latest result (status)
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tierform.config.release import DbtStep
from tierform.release.content import content_sha256
from tierform.release.context import ReleaseContext, ReleaseError
from tierform.release.dbt_identity import IdentityError, dbt_identity
from tierform.release.records import git_sha, now, read_json, write_json
from tierform.release.report import Reporter, use_rich

ARTIFACTS = ("manifest.json", "run_results.json")
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


def last_success_dir(ctx: ReleaseContext) -> Path:
    return dbt_dir(ctx) / "last-success"


def release_dbt(ctx: ReleaseContext, report: Reporter, *, slim: bool | None = None) -> DbtOutcome:
    step = ctx.platform.dbt_step(ctx.tier)
    if step is None:
        raise ReleaseError(f"tier {ctx.tier.name!r} has no dbt release (see release: in config)")
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
    if _declares_packages(project):
        report.info("dbt deps (the project declares packages)")
        deps = _invoke(["deps", *common])
        if not deps.success:
            return _finish(ctx, report, step, DbtOutcome(False, content, run_dir, error=_why(deps)))
    args = ["build", "--target", step.target, *common]
    if slim:
        state = last_success_dir(ctx)
        if (state / "manifest.json").is_file():
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
    return _finish(ctx, report, step, outcome)


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
        os.environ["TIERFORM_DUCKDB_PATH"] = str(path)
        path.parent.mkdir(parents=True, exist_ok=True)


def duckdb_path(ctx: ReleaseContext, target: str) -> Path:
    """The DuckDB file a DuckDB target builds into (profiles.yml reads TIERFORM_DUCKDB_PATH):
    the variable when set, else under the git-ignored .tierform/ folder."""
    configured = os.environ.get("TIERFORM_DUCKDB_PATH")
    if configured:
        return Path(configured).absolute()
    return ctx.root / ".tierform" / "duckdb" / f"{target}.duckdb"


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
    ctx: ReleaseContext, report: Reporter, step: DbtStep, outcome: DbtOutcome
) -> DbtOutcome:
    run_dir = outcome.run_dir
    run_dir.mkdir(parents=True, exist_ok=True)
    for name in ARTIFACTS:
        produced = run_dir / "target" / name
        if produced.is_file():
            shutil.copy2(produced, run_dir / name)
    record = {
        "tier": ctx.tier.name,
        "target": step.target,
        "content_sha256": outcome.content_sha256,
        "git_sha": git_sha(ctx.root),
        "finished_at": now(),
        "success": outcome.success,
        "counts": outcome.counts,
        "failures": outcome.failures,
        "error": outcome.error,
        "run_dir": str(run_dir.relative_to(ctx.root)),
    }
    write_json(run_dir / "release.json", record)
    write_json(dbt_dir(ctx) / "last.json", record)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(outcome.counts.items())) or "no nodes ran"
    if outcome.success:
        _record_success(ctx, run_dir)
        report.ok(f"dbt build passed ({summary}); artifacts in {record['run_dir']}")
        return outcome
    report.fail(f"dbt build failed ({summary})")
    for failure in outcome.failures:
        where = f" ({failure['file']})" if failure["file"] else ""
        report.detail(f"{failure['status']}: {failure['node']}{where}: {failure['message']}")
    if outcome.error:
        report.detail(outcome.error.strip())
    return outcome


def _record_success(ctx: ReleaseContext, run_dir: Path) -> None:
    """Swap in last-success/ as a whole, so --slim never sees half of two builds."""
    final = last_success_dir(ctx)
    tmp = final.with_name(f".last-success.tmp-{os.getpid()}")
    old = final.with_name(f".last-success.old-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name in (*ARTIFACTS, "release.json"):
        if (run_dir / name).is_file():
            shutil.copy2(run_dir / name, tmp / name)
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def last_result(ctx: ReleaseContext) -> dict | None:
    return read_json(dbt_dir(ctx) / "last.json")
