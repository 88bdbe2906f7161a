"""What a protected data store is: the one definition used by the synth-time guardrail
(tierform.stacks.guardrails), the plan guard (tierform.policy.plan_guard) and the gate's
prevent_destroy check inside checkov (tierform_stores.py).

Standard library only and no import of the tierform package: checkov loads this folder
from its own virtualenv as a plain folder, while the tierform package imports this module
by its dotted name (as tierform_secret_shapes.py). Registers no check.
"""

from __future__ import annotations

# Resource type → what the messages call it. In a protected tier each carries
# lifecycle.prevent_destroy, and a plan deleting or replacing one is denied.
PROTECTED_DATA_STORES: dict[str, str] = {
    "snowflake_database": "Snowflake database",
    "snowflake_schema": "Snowflake schema",
    "databricks_catalog": "Databricks catalog",
    "databricks_schema": "Databricks schema",
    "aws_s3_bucket": "S3 DAG bucket",
    "aws_mwaa_environment": "MWAA environment",
    "google_storage_bucket": "Cloud Storage DAG bucket",
    "google_composer_environment": "Cloud Composer environment",
    "astro_deployment": "Astronomer deployment",
}

# The `retire:` store names (tierform/config/protection.py) and the resource types of
# their blocks: a retired store lifts prevent_destroy from these types in that deploy.
RETIRABLE_BLOCK_TYPES: dict[str, tuple[str, ...]] = {
    "snowflake.databases": ("snowflake_database",),
    "snowflake.schemas": ("snowflake_schema",),
    "databricks.catalog": ("databricks_catalog",),
    "databricks.schemas": ("databricks_schema",),
    "airflow.dag_bucket": ("aws_s3_bucket", "google_storage_bucket"),
    "airflow.environment": (
        "aws_mwaa_environment",
        "google_composer_environment",
        "astro_deployment",
    ),
}
