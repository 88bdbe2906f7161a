"""The Astro provider and `astro_deployment` with the attributes Tierform sets."""

from __future__ import annotations

from tierform.constructs.tfgeneric import Block, ProviderModel, ResourceModel


class AstroProvider(ProviderModel):
    """The API token comes only from ASTRO_API_TOKEN in the environment."""

    provider_name = "astro"
    source = "astronomer/astro"
    version_constraint = "~> 1.0"

    organization_id: str


class WorkerQueue(Block):
    name: str
    is_default: bool
    astro_machine: str
    min_worker_count: int
    max_worker_count: int
    worker_concurrency: int


class EnvironmentVariable(Block):
    key: str
    value: str
    is_secret: bool = False


class AstroDeployment(ResourceModel):
    terraform_type = "astro_deployment"
    provider_name = "astro"

    name: str
    description: str
    type: str
    workspace_id: str
    executor: str
    is_cicd_enforced: bool
    is_dag_deploy_enabled: bool
    contact_emails: list[str]
    environment_variables: list[EnvironmentVariable]
    original_astro_runtime_version: str
    cluster_id: str | None = None
    cloud_provider: str | None = None
    region: str | None = None
    scheduler_size: str | None = None
    is_high_availability: bool | None = None
    is_development_mode: bool | None = None
    default_task_pod_cpu: str | None = None
    default_task_pod_memory: str | None = None
    resource_quota_cpu: str | None = None
    resource_quota_memory: str | None = None
    worker_queues: list[WorkerQueue] | None = None
