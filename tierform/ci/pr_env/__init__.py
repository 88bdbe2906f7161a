"""PR environments: where `tierform ci run --pr N` builds, and what teardown drops.

    local (DuckDB)   .tierform/pr/<N>.duckdb, a copy of the tier's warehouse file; the tier's
                     file is attached read-only under its own catalog name, so deferred
                     relations ("local"."main_marts"."x") read the tier's real data
    Snowflake        schemas PR_<N>_<SCHEMA> in the tier's database (duckdb_file.py, schemas.py)
    Databricks       schemas pr_<N>_<schema> in the tier's catalog

What run created is written to the target tier's ledger (`ci/pr/<N>.json`) before dbt
builds anything, so a teardown on another machine (the pr-closed workflow's runner) drops
exactly that, and a build killed half-way is still torn down. Teardown deletes the record
last: a second teardown finds nothing and is a no-op.
"""

from __future__ import annotations

from tierform.ci.pr_env.record import EnvironmentRecord, delete_record, read_record, write_record

__all__ = ["EnvironmentRecord", "delete_record", "read_record", "write_record"]
