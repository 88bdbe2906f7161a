"""Airflow environment constructs (one interface over the flavors)."""

from tierform.constructs.airflow.environment import AirflowEnvironment

__all__ = ["AirflowEnvironment"]
