"""Daily build of the Northwind project: load sources, build staging, build the marts."""

from __future__ import annotations

import pendulum
from airflow.sdk import dag
from northwind_lib import dbt_task, default_args, tags, tier


@dag(
    dag_id="northwind_daily_build",
    schedule="0 5 * * *",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=tags(),
    default_args=default_args(),
    # Local and dev runs are manual: schedules only run where the data is real.
    is_paused_upon_creation=tier() not in ("staging", "prod"),
    doc_md=__doc__,
)
def northwind_daily_build():
    load = dbt_task("load_sources", "seed")
    staging = dbt_task("build_staging", "build", "path:models/staging")
    marts = dbt_task("build_marts", "build", "path:models/marts")
    load >> staging >> marts


northwind_daily_build()
