"""Astronomer (Astro) for one tier: the astro provider and one `astro_deployment`."""

from __future__ import annotations

from tierform.config.airflow_astronomer import (
    ASTRO_DEPLOYMENT_ENV,
    AstronomerAirflowSpec,
    WorkerQueueSpec,
)
from tierform.constructs.addresses import stable_address
from tierform.constructs.astro.models import AstroDeployment, AstroProvider, WorkerQueue
from tierform.constructs.framework import (
    Construct,
    TerraformOutput,
    TerraformResource,
    TerraformResourceLifecycle,
)
from tierform.constructs.tfgeneric import TypedProvider, TypedResource


class AstronomerAirflow(Construct):
    """`astro_deployment.airflow`. DAG-only deploys on by default (the release step ships DAGs
    without an image build), CI/CD enforced by default (only API tokens deploy).

    Attributes: `provider`, `deployment`, `deployment_id` (a Terraform reference),
    `release_environment` (what the release step must set: the deployment id, when it is not
    pinned in config), `release_dependencies`.
    """

    def __init__(
        self, scope: Construct, id: str, *, spec: AstronomerAirflowSpec, tier: str, protected: bool
    ):
        super().__init__(scope, id)
        self.provider = TypedProvider(
            self, "astro", AstroProvider(organization_id=spec.organization_id)
        )
        queues = None
        if spec.executor != "KUBERNETES":
            configured = spec.worker_queues or {"default": None}
            # Astro needs exactly one default queue: the one named `default`, else the first.
            default = "default" if "default" in configured else min(configured)
            queues = [
                _queue(name, q, is_default=(name == default))
                for name, q in sorted(configured.items())
            ]
        name = spec.deployment_name(tier)
        self.deployment = TypedResource(
            self,
            "deployment",
            AstroDeployment(
                name=name,
                description=f"Airflow of tier {tier}, managed by Tierform",
                type=spec.deployment_type,
                workspace_id=spec.workspace_id,
                cluster_id=spec.cluster_id,
                cloud_provider=spec.cloud_provider,
                region=spec.region,
                original_astro_runtime_version=spec.runtime_version,
                executor=spec.executor,
                scheduler_size=spec.scheduler_size,
                is_cicd_enforced=spec.is_cicd_enforced,
                is_dag_deploy_enabled=spec.is_dag_deploy_enabled,
                is_high_availability=spec.is_high_availability,
                is_development_mode=spec.is_development_mode,
                default_task_pod_cpu=spec.default_task_pod_cpu,
                default_task_pod_memory=spec.default_task_pod_memory,
                resource_quota_cpu=spec.resource_quota_cpu,
                resource_quota_memory=spec.resource_quota_memory,
                contact_emails=spec.contact_emails,
                environment_variables=[],
                worker_queues=queues,
            ),
            provider=self.provider,
            # The release step owns the deployment's environment variables (their values come
            # from CI at release time and must never reach state): Terraform leaves them be.
            lifecycle=TerraformResourceLifecycle(
                prevent_destroy=True if protected else None,
                ignore_changes=["environment_variables"],
            ),
            address="airflow",
        )
        self.deployment_id = spec.deployment_id or self.deployment.ref("id")
        self.release_environment: dict[str, str] = (
            {} if spec.deployment_id else {ASTRO_DEPLOYMENT_ENV: self.deployment.ref("id")}
        )
        self.release_dependencies: list[TerraformResource] = [self.deployment]
        for name, attribute in (
            ("airflow_deployment_id", "id"),
            ("airflow_webserver_url", "webserver_url"),
        ):
            stable_address(TerraformOutput(self, name, value=self.deployment.ref(attribute)), name)


def _queue(name: str, spec: WorkerQueueSpec | None, *, is_default: bool) -> WorkerQueue:
    spec = spec or WorkerQueueSpec()
    return WorkerQueue(
        name=name,
        is_default=is_default,
        astro_machine=spec.astro_machine,
        min_worker_count=spec.min_worker_count,
        max_worker_count=spec.max_worker_count,
        worker_concurrency=spec.worker_concurrency,
    )
