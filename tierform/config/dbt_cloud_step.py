"""A tier's dbt Cloud runner, resolved: what the release step and data CI need to call dbt
Cloud's API. The config models that produce it live in tierform/config/dbt_cloud.py; the
stack hands the job ids Terraform created to the release step through the environment
variables named here (ids are not secrets; the API token never leaves the deploying
environment's `token_env`)."""

from __future__ import annotations

from dataclasses import dataclass

# Set by the tier's stack on the dbt release step (`terraform_data` local-exec environment).
DEPLOY_JOB_ENV = "TIERFORM_DBT_CLOUD_DEPLOY_JOB_ID"
CI_JOB_ENV = "TIERFORM_DBT_CLOUD_CI_JOB_ID"
ENVIRONMENT_ENV = "TIERFORM_DBT_CLOUD_ENVIRONMENT_ID"
# The tier's credential (dbtcloud_snowflake_credential / dbtcloud_databricks_credential
# `credential_id`): the release step sets its secret through the API before a run, as
# Terraform never holds it (see `secret_attribute`).
CREDENTIAL_ENV = "TIERFORM_DBT_CLOUD_CREDENTIAL_ID"


@dataclass(frozen=True)
class DbtCloudStep:
    """dbt Cloud settings of one tier (`release.dbt.runner: dbt_cloud`)."""

    account_id: int
    # The account's access URL, e.g. https://cloud.getdbt.com or https://ab123.us1.dbt.com;
    # API paths (/api/v2/...) are appended to it.
    host_url: str
    project_id: int
    # The variable holding the API token (a service token) in the deploying environment.
    token_env: str = "DBT_CLOUD_TOKEN"
    # How long a triggered run may take before Tierform cancels it and fails the step.
    timeout_seconds: int = 3600
    poll_seconds: float = 10.0
    # Whether this tier has a CI job (dbt Cloud's "run on pull request", deferring to the
    # tier's deploy job); true for the tiers data CI targets.
    ci_job: bool = False
    # The credential's kind ("snowflake" | "databricks"), the credential attribute its secret
    # goes into through the API (Snowflake: `private_key`; Databricks: `token`), and the
    # variable of the deploying environment holding that secret.
    credential_type: str = ""
    secret_attribute: str = ""
    secret_env: str = ""
    # The passphrase of an encrypted Snowflake key, when the variable is set (optional).
    secret_passphrase_env: str = ""
    # The environment's name in dbt Cloud, for messages and the ledger record.
    environment_name: str = ""
