"""Tierform: a data platform (Snowflake, Databricks, Airflow, dbt) as code, promoted tier by tier."""

__version__ = "0.1.0"
