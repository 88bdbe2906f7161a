"""Data-quality checks: every dbt test of the project, then a summary."""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task
from northwind_lib import dbt_task, default_args, tags, tier


@dag(
    dag_id="northwind_data_quality",
    schedule="30 6 * * *",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=tags(),
    default_args=default_args(),
    is_paused_upon_creation=tier() not in ("staging", "prod"),
    doc_md=__doc__,
)
def northwind_data_quality():
    tests = dbt_task("dbt_test", "test")

    @task
    def report() -> str:
        return f"all Northwind data tests passed on tier {tier()}"

    tests >> report()


northwind_data_quality()
