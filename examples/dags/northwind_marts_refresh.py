"""Hourly refresh of the marts only (the staging views read the sources live)."""

from __future__ import annotations

import pendulum
from airflow.sdk import dag
from northwind_lib import dbt_task, default_args, tags, tier


@dag(
    dag_id="northwind_marts_refresh",
    schedule="@hourly",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=tags(),
    default_args=default_args(),
    is_paused_upon_creation=tier() != "prod",
    doc_md=__doc__,
)
def northwind_marts_refresh():
    dbt_task("run_marts", "run", "path:models/marts")


northwind_marts_refresh()
