"""The release CLI run by each tier's Terraform steps (`python -m tierform.release …`):
build the dbt project, validate and publish the DAGs, roll back, report status.

Knows nothing of cdktf: it reads the validated configuration and runs dbt or Airflow.
"""
