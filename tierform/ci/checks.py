"""The checks `tierform ci run` runs, in order, in ONE list: a new check (a dbt Cloud CI
job, a Databricks run) is a function `(CiRun) -> CheckOutcome` appended to CHECKS."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tierform.ci import changes, dags, databricks_runs, dbt_check, impact, lint
from tierform.ci.result import CheckOutcome
from tierform.release.context import ReleaseContext


@dataclass
class CiRun:
    """What the checks share: the tier, the PR, what changed; checks may leave results for
    later ones (the dbt build's models for the data impact)."""

    ctx: ReleaseContext
    pr: int
    base: str | None  # None: --all (every model is linted)
    full_build: bool = False
    dbt_run: dbt_check.DbtCiRun | None = None
    notes: dict[str, object] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.ctx.root


def sql_lint(run: CiRun) -> CheckOutcome:
    step = dbt_check.dbt_step_or_fail(run.ctx)
    project = run.ctx.path(step.project_dir)
    model_paths = _model_paths(project)
    relative = str(project.relative_to(run.ctx.platform.repo_root))
    files = changes.changed_models(run.ctx.platform.repo_root, run.base, relative, model_paths)
    return lint.lint_models(
        run.ctx.platform.repo_root, relative, files, everything=run.base is None
    )


def dag_checks(run: CiRun) -> CheckOutcome:
    folder = run.ctx.platform.platform.release.dags
    return dags.check_dag_folder(
        run.ctx.platform.repo_root,
        folder.folder if folder else None,
        run.ctx.tier.release.dags.checks,
        run.ctx.tier.airflow_major,
    )


def dbt_build(run: CiRun) -> CheckOutcome:
    step = dbt_check.dbt_step_or_fail(run.ctx)
    if step.runner == "dbt_cloud":  # the tier's dbt Cloud CI job builds the PR instead
        from tierform.dbt_cloud.ci_job import run_ci_job

        return run_ci_job(run.ctx, run.pr, step)
    run.dbt_run = dbt_check.run_dbt_check(run.ctx, run.pr, full=run.full_build)
    return run.dbt_run.outcome


def data_impact(run: CiRun) -> CheckOutcome:
    built = run.dbt_run
    if built is None or not built.models:
        return CheckOutcome(impact.CHECK, "skip", "no model built", "No model was built.")
    share = run.ctx.platform.platform.ci.row_count_change
    scratch = dbt_check.duckdb_file.scratch_dir(run.root, run.pr)
    # A target folder of its own keeps the build's run_results.json; the build's parse
    # cache, copied, spares a second full parse.
    target = scratch / "target-impact"
    target.mkdir(parents=True, exist_ok=True)
    cache = scratch / "target" / "partial_parse.msgpack"
    if cache.is_file():
        shutil.copyfile(cache, target / cache.name)
    paths = ["--target-path", str(target), "--log-path", str(scratch / "logs")]
    outcome, _ = impact.data_impact(built.models, built.dbt_args, paths, share, run.ctx.tier.name)
    return outcome


def databricks_jobs(run: CiRun) -> CheckOutcome:
    return databricks_runs.run_databricks_jobs(run.ctx, run.pr, run.base)


CHECKS: list[tuple[str, Callable[[CiRun], CheckOutcome]]] = [
    (lint.CHECK, sql_lint),
    (dags.CHECK, dag_checks),
    (dbt_check.CHECK, dbt_build),
    (impact.CHECK, data_impact),
    (databricks_runs.CHECK, databricks_jobs),
]


def _model_paths(project: Path) -> list[str]:
    import yaml

    data = yaml.safe_load((project / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    paths = data.get("model-paths") if isinstance(data, dict) else None
    return [str(p) for p in paths] if isinstance(paths, list) else ["models"]
