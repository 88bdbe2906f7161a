"""Astronomer (Astro): one `astro_deployment` per tier, through the astronomer/astro provider."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator

from tierform.config.airflow_flavor import FlavorSpec
from tierform.config.airflow_mwaa import quoted_version
from tierform.config.base import Identifier, Spec
from tierform.config.dag_target import DagTarget
from tierform.config.error_format import shorten

# Astro Runtime versions: 13.1.0 (Airflow 2 based) or 3.0-1 (Airflow 3 based).
_RUNTIME = re.compile(r"^\d+\.\d+(\.\d+|-\d+)$")
# The release step's publisher (`astro deploy --dags`) authenticates with this token.
ASTRO_TOKEN_ENV = "ASTRO_API_TOKEN"
# Set by the release step from the stack (see AirflowEnvironment.release_environment) when
# the deployment id is not pinned in config.
ASTRO_DEPLOYMENT_ENV = "ASTRO_DEPLOYMENT_ID"


class WorkerQueueSpec(Spec):
    astro_machine: str = Field(default="A5", pattern=r"^A\d+$")
    min_worker_count: int = Field(default=0, ge=0, le=30)
    max_worker_count: int = Field(default=10, ge=1, le=30)
    worker_concurrency: int = Field(default=5, ge=1, le=64)


# Environment variable names (of the deployment and of CI's secrets): shell-safe upper case.
_ENV_NAME = r"^[A-Z_][A-Z0-9_]{0,127}$"
EnvName = Annotated[str, Field(pattern=_ENV_NAME)]


class DeploymentVariableSpec(Spec):
    """One environment variable of the deployment. Its value is never in config (nor in
    Terraform state): `value_from` names the CI secret or variable the release step reads
    it from (default: the same name); `secret: true` stores it as an Astro secret."""

    value_from: EnvName | None = None
    secret: bool = False

    def source(self, name: str) -> str:
        return self.value_from or name


class AstronomerAirflowSpec(FlavorSpec):
    flavor_name = "astronomer"

    flavor: Literal["astronomer"]
    organization_id: str = Field(min_length=1)
    workspace_id: str = Field(min_length=1)
    # Logical name; the deployment is named by the tier's naming rule (airflow-prod).
    name: Identifier = "AIRFLOW"
    # HYBRID (customer-hosted clusters with node pools) is not supported yet.
    deployment_type: Literal["STANDARD", "DEDICATED"] = "STANDARD"
    # DEDICATED runs on a cluster; STANDARD picks a cloud and region.
    cluster_id: str | None = None
    cloud_provider: Literal["AWS", "GCP", "AZURE"] | None = None
    region: str | None = None
    runtime_version: Annotated[str, BeforeValidator(quoted_version)]
    executor: Literal["CELERY", "KUBERNETES", "ASTRO"] = "CELERY"
    scheduler_size: Literal["SMALL", "MEDIUM", "LARGE", "EXTRA_LARGE"] = "SMALL"
    worker_queues: dict[str, WorkerQueueSpec] = Field(default_factory=dict)
    default_task_pod_cpu: str = "0.25"
    default_task_pod_memory: str = "0.5Gi"
    resource_quota_cpu: str = "10"
    resource_quota_memory: str = "20Gi"
    is_dag_deploy_enabled: bool = True
    # Only API tokens (CI) may deploy: no laptop deploys to a shared tier.
    is_cicd_enforced: bool = True
    is_high_availability: bool = False
    is_development_mode: bool = False
    contact_emails: list[str] = Field(default_factory=list)
    # How the release step ships: `image` builds an Astro project (Dockerfile from
    # runtime_version, the requirements, the dbt project, the DAGs) and deploys the image;
    # `dags` deploys the DAG files only (`astro deploy --dags`); `infer` deploys DAGs only
    # when nothing but DAG files changed since the active release, else the image.
    deploy: Literal["image", "dags", "infer"] = "dags"
    # Python requirements of the image (a repository file), used by image deploys. Unset,
    # the image installs the DAG release's own (platform.yaml release.dags.requirements,
    # shipped in every DAG release), so workers and image agree by default.
    requirements: str | None = Field(default=None, min_length=1)
    # Deployment environment variables by name; values come from CI at release time.
    environment_variables: dict[EnvName, DeploymentVariableSpec] = Field(default_factory=dict)
    # The deployment id once it exists (pin it after the first apply, or to adopt an
    # existing deployment). Left out, the release step gets it from the stack.
    deployment_id: str | None = None

    @property
    def airflow_major(self) -> int:
        # Astro Runtime 3.0-1 and later (the `-N` spelling, major 3) run Airflow 3; the
        # runtimes before it (4.x to 13.x) run Airflow 2.
        return 3 if "-" in self.runtime_version or self.runtime_version.startswith("3.") else 2

    @field_validator("runtime_version")
    @classmethod
    def _runtime(cls, value: str) -> str:
        if not _RUNTIME.fullmatch(value):
            raise ValueError(
                f"{shorten(value)} is not a valid Astro Runtime version (e.g. 13.1.0, or 3.0-1 for Airflow 3)"
            )
        return value

    @field_validator("requirements")
    @classmethod
    def _requirements(cls, value: str | None) -> str | None:
        from tierform.config.repo_paths import syntax_checked

        return None if value is None else syntax_checked(value)

    def deployment_name(self, tier: str) -> str:
        return self.physical_name(self.name, tier)

    def dag_target(self, tier: str) -> DagTarget:
        if self.deployment_id is not None:
            return DagTarget(
                kind="astronomer",
                location=self.deployment_id,
                environment_name=self.deployment_name(tier),
                environment_url=(
                    f"https://cloud.astronomer.io/{self.organization_id}"
                    f"/deployments/{self.deployment_id}/overview"
                ),
                credential_env=(ASTRO_TOKEN_ENV, *self.variable_sources()),
            )
        # Not pinned: `$ASTRO_DEPLOYMENT_ID` is read from the environment when publishing; the
        # stack hands the id of the deployment it created to the release step under that name.
        return DagTarget(
            kind="astronomer",
            location=f"${ASTRO_DEPLOYMENT_ENV}",
            environment_name=self.deployment_name(tier),
            environment_url=None,
            credential_env=(ASTRO_TOKEN_ENV, ASTRO_DEPLOYMENT_ENV, *self.variable_sources()),
        )

    def variable_sources(self) -> tuple[str, ...]:
        """The CI secrets and variables the deployment's environment variables come from."""
        return tuple(
            dict.fromkeys(v.source(k) for k, v in sorted(self.environment_variables.items()))
        )
