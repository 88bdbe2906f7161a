"""Blue/green on Snowflake: the statements of snowflake_sql.py, run through dbt's own
Snowflake connection (the tier's dbt service user) with `dbt run-operation
tierform_run_statements` — a macro the project ships (examples/dbt/macros/tierform_release.sql).

The schemas come from `dbt parse` without the shadow suffix; the build then runs with
TIERFORM_SCHEMA_SUFFIX=__SHADOW, which the project's `generate_schema_name` appends.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from tierform.config.release import DbtStep
from tierform.release.context import ReleaseContext, ReleaseError
from tierform.release.dbt_publish import snowflake_sql as sql
from tierform.release.report import Reporter

MACRO = "tierform_run_statements"
SUFFIX_VARIABLE = "TIERFORM_SCHEMA_SUFFIX"


def _run_dbt(args: list[str]):
    from tierform.release.dbt_build import _invoke

    return _invoke(args)


def access_levels() -> dict[str, tuple[str, ...]]:
    """Schema privileges per access level, from the constructs' plain-data module, loaded by
    path: importing the constructs package would import the Snowflake provider (seconds)."""
    path = Path(__file__).parents[2] / "constructs" / "snowflake" / "privileges.py"
    spec = importlib.util.spec_from_file_location("_tierform_privileges", path)
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while defined
        spec.loader.exec_module(module)
    return {level: p.schemas for level, p in module.ACCESS_LEVELS.items()}


class SnowflakeSchemaPublisher:
    mode = "blue_green"

    def __init__(self, ctx: ReleaseContext, step: DbtStep):
        self.ctx, self.step = ctx, step
        self.schemas: list[sql.SchemaRef] = []
        self.dbt_args: list[str] = []

    def shadow_location(self) -> str:
        return ", ".join(r.name(sql.SHADOW) for r in self.schemas) or "(no schema)"

    def _execute(self, statements: list[str], what: str) -> None:
        args = ["run-operation", MACRO, "--args", json.dumps({"statements": statements})]
        result = _run_dbt([*args, *self.dbt_args])
        if not result.success:
            why = result.exception or "dbt reported a failure"
            raise ReleaseError(f"Snowflake {what} failed: {why}")

    def prepare(self, report: Reporter, dbt_args: list[str], scratch: Path) -> dict[str, str]:
        self.dbt_args = dbt_args
        parsed = _run_dbt(["parse", *dbt_args, "--target-path", str(scratch / "parse")])
        manifest_file = scratch / "parse" / "manifest.json"
        if not parsed.success or not manifest_file.is_file():
            raise ReleaseError(f"dbt parse failed: {parsed.exception or 'no manifest written'}")
        self.schemas = sql.release_schemas(json.loads(manifest_file.read_text(encoding="utf-8")))
        if not self.schemas:
            raise ReleaseError("the dbt project builds into no schema")
        grants = sql.access_role_grants(self.schemas, access_levels())
        self._execute(sql.prepare_statements(self.schemas, grants), "shadow clone")
        report.info(f"shadow: zero-copy clones {self.shadow_location()}")
        return {SUFFIX_VARIABLE: sql.SHADOW}

    def publish(self, report: Reporter) -> dict:
        self._execute(sql.publish_statements(self.schemas), "publish (SWAP)")
        return {
            "live": ", ".join(r.name() for r in self.schemas),
            "previous": ", ".join(r.name(sql.PREVIOUS) for r in self.schemas),
        }

    def rollback(self, report: Reporter) -> None:
        # The schemas of the live build: parsed again, as the project is today.
        from tierform.release.dbt_build import dbt_dir, profile_args

        scratch = dbt_dir(self.ctx) / "rollback"
        self.dbt_args = [*profile_args(self.ctx, self.step), "--target", self.step.target]
        parsed = _run_dbt(["parse", *self.dbt_args, "--target-path", str(scratch)])
        if not parsed.success:
            raise ReleaseError(f"dbt parse failed: {parsed.exception or 'dbt reported a failure'}")
        self.schemas = sql.release_schemas(
            json.loads((scratch / "manifest.json").read_text(encoding="utf-8"))
        )
        self._execute(sql.rollback_statements(self.schemas), "rollback (SWAP)")
