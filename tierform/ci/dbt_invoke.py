"""dbt, in this process, for `tierform ci`: one invocation at a time (dbtRunner is not safe
for concurrent invocations), and the PR environment's SQL through dbt's own connection."""

from __future__ import annotations

import json

from tierform.ci.errors import CiInputError

MACRO = (
    "tierform_run_statements"  # shipped by the project (examples/dbt/macros/tierform_release.sql)
)


def invoke(args: list[str]):
    from tierform.release.dbt_build import _invoke

    return _invoke(args)


def why(result) -> str:
    return " ".join(str(result.exception or "dbt reported a failure").split())[:500]


def run_statements(statements: list[str], dbt_args: list[str]) -> None:
    """Run SQL as the CI identity (Snowflake/Databricks PR schemas)."""
    if not statements:
        return
    args = ["run-operation", MACRO, "--args", json.dumps({"statements": statements})]
    result = invoke([*args, *dbt_args])
    if not result.success:
        raise CiInputError(f"the PR environment's statements failed: {why(result)}")
