"""Drop a PR environment: exactly what its record in the tier's ledger says run created,
then the record. Idempotent: no record, nothing to do."""

from __future__ import annotations

import shutil

from tierform.ci import dbt_invoke
from tierform.ci.dbt_check import dbt_step_or_fail
from tierform.ci.pr_env import duckdb_file, schemas
from tierform.ci.pr_env.record import delete_record, read_record
from tierform.release import dbt_build
from tierform.release.context import ReleaseContext


def teardown(ctx: ReleaseContext, pr: int) -> str:
    record = read_record(ctx.ledger, pr)
    scratch = duckdb_file.scratch_dir(ctx.root, pr)
    if record is None:
        shutil.rmtree(scratch, ignore_errors=True)  # this machine's scratch, if any
        return f"PR {pr} has no environment on tier {ctx.tier.name!r}: nothing to tear down"
    if record.kind == "duckdb":
        removed = duckdb_file.teardown(ctx.root, record.created)
        what = ", ".join(removed) or "no file left"
    else:
        step = dbt_step_or_fail(ctx)
        dbt_build._prepare_environment(ctx, step)
        dbt_args = ["--project-dir", str(ctx.path(step.project_dir))]
        dbt_args += ["--profiles-dir", str(ctx.path(step.profiles_dir)), "--target", step.target]
        statements = schemas.drop_statements(record.created, pr, record.kind)
        dbt_invoke.run_statements(statements, dbt_args)
        what = ", ".join(record.created) or "no schema"
    shutil.rmtree(scratch, ignore_errors=True)
    delete_record(ctx.ledger, pr)  # last: a teardown cut short is finished by the next one
    return f"PR {pr} on tier {ctx.tier.name!r}: dropped {what}"
