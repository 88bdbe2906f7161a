"""The dbtcloud provider and the resources Tierform sets, with the attributes it uses
(provider 1.x schema: dbtcloud_global_connection, _snowflake_credential,
_databricks_credential, _environment, _job)."""

from __future__ import annotations

from pydantic import Field

from tierform.constructs.tfgeneric import Block, ProviderModel, ResourceModel

# A Terraform reference (`${dbtcloud_environment.dbt.environment_id}`) or a literal id.
Id = int | str


class DbtCloudProvider(ProviderModel):
    """Account and access URL from config; the API token only from DBT_CLOUD_TOKEN in the
    environment (never an attribute here)."""

    provider_name = "dbtcloud"
    source = "dbt-labs/dbtcloud"
    # The 1.x line from 1.6 (global connections, `triggers.on_merge`, `job_type`). Not in
    # this machine's provider mirror, so `tierform tfcheck` checks these stacks by init and
    # references, not `validate`.
    version_constraint = "~> 1.6"

    account_id: int
    host_url: str


class SnowflakeConnection(Block):
    account: str
    database: str
    warehouse: str
    role: str | None = None


class DatabricksConnection(Block):
    host: str
    http_path: str
    catalog: str | None = None


class GlobalConnection(ResourceModel):
    terraform_type = "dbtcloud_global_connection"
    provider_name = "dbtcloud"

    name: str
    snowflake: SnowflakeConnection | None = None
    databricks: DatabricksConnection | None = None


class SnowflakeCredential(ResourceModel):
    """Key-pair auth; `private_key` is never set here (the release step sets it)."""

    terraform_type = "dbtcloud_snowflake_credential"
    provider_name = "dbtcloud"

    project_id: int
    auth_type: str
    num_threads: int
    user: str
    target_schema: str = Field(alias="schema")
    database: str | None = None
    role: str | None = None
    warehouse: str | None = None


class DatabricksCredential(ResourceModel):
    terraform_type = "dbtcloud_databricks_credential"
    provider_name = "dbtcloud"

    project_id: int
    adapter_type: str
    target_schema: str = Field(alias="schema")
    catalog: str | None = None
    # Required by the provider: Tierform writes a placeholder and ignores changes.
    token: str


class Environment(ResourceModel):
    terraform_type = "dbtcloud_environment"
    provider_name = "dbtcloud"

    project_id: int
    name: str
    type: str
    dbt_version: str
    connection_id: Id
    credential_id: Id
    deployment_type: str | None = None


class JobTriggers(Block):
    github_webhook: bool
    git_provider_webhook: bool
    schedule: bool
    on_merge: bool


class Job(ResourceModel):
    terraform_type = "dbtcloud_job"
    provider_name = "dbtcloud"

    project_id: int
    environment_id: Id
    name: str
    description: str
    execute_steps: list[str]
    triggers: JobTriggers
    num_threads: int
    target_name: str
    generate_docs: bool
    run_generate_sources: bool = False
    job_type: str | None = None
    deferring_environment_id: Id | None = None
    triggers_on_draft_pr: bool | None = None
