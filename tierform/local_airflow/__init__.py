"""A real Airflow on this machine for a tier whose DAGs are published into a local folder."""
