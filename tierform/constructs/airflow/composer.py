"""Google Cloud Composer for one tier: provider, service account, DAG bucket, environment."""

from __future__ import annotations

import re

from tierform.config.airflow_composer import COMPOSER_DAGS_ENV, ComposerAirflowSpec
from tierform.config.dag_target import AirflowInstallFiles
from tierform.constructs.addresses import stable_address
from tierform.constructs.framework import (
    Construct,
    TerraformOutput,
    TerraformResource,
    TerraformResourceLifecycle,
)
from tierform.constructs.google import models as g
from tierform.constructs.google.provider import GoogleProvider
from tierform.constructs.tfgeneric import TypedProvider, TypedResource

# The one project role the environment's service account needs (Composer's docs: a
# user-managed account with roles/composer.worker instead of the default Compute account,
# which usually holds Editor).
WORKER_ROLE = "roles/composer.worker"
_REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]+\])?)\s*(?P<spec>.*)$")


class ComposerAirflow(Construct):
    """`google_composer_environment.airflow`, run by `google_service_account.airflow`.

    Composer 3: the environment uses a bucket Tierform creates (`google_storage_bucket.
    airflow_dags`: versioned, uniform access, public access prevented, old versions expire).
    Composer 2 creates its own bucket. The DAGs' requirements become `pypi_packages`, so a
    requirements change is a reviewed plan change of the environment.

    Attributes: `provider`, `service_account`, `bucket` (or None), `environment`,
    `release_dependencies`, `release_environment`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        spec: ComposerAirflowSpec,
        tier: str,
        protected: bool,
        protected_bucket: bool | None = None,
        files: AirflowInstallFiles | None = None,
    ):
        super().__init__(scope, id)
        name = spec.environment_name(tier)
        labels = {"tierform-tier": tier.lower(), **spec.labels}
        self.provider = TypedProvider(
            self,
            "google",
            GoogleProvider(
                project=spec.project,
                region=spec.region,
                default_labels={"managed_by": "tierform"},  # provider map keys are snake_cased,
            ),
        )
        self.service_account = TypedResource(
            self,
            "service_account",
            g.ServiceAccount(
                account_id=spec.service_account_id(tier),
                display_name=f"Composer {name}",
                description=f"Runs the Cloud Composer environment {name}; managed by Tierform",
                project=spec.project,
            ),
            provider=self.provider,
            address="airflow",
        )
        email = self.service_account.ref("email")
        worker = TypedResource(
            self,
            "worker_role",
            g.ProjectIamMember(
                project=spec.project, role=WORKER_ROLE, member=f"serviceAccount:{email}"
            ),
            provider=self.provider,
            address="airflow_worker",
        )
        keep = protected if protected_bucket is None else protected_bucket
        self.bucket: TypedResource | None = None
        storage = None
        bucket_name = spec.bucket_name(tier)
        if spec.composer_major == 3:
            assert bucket_name is not None
            self.bucket = TypedResource(
                self,
                "bucket",
                g.StorageBucket(
                    name=bucket_name,
                    location=spec.region.upper(),
                    project=spec.project,
                    logging=g.BucketLogging(
                        log_bucket=spec.access_logs.bucket,
                        log_object_prefix=spec.access_logs.prefix,
                    )
                    if spec.access_logs
                    else None,
                    lifecycle_rule=[
                        g.LifecycleRule(
                            condition=g.NoncurrentCondition(days_since_noncurrent_time=90)
                        )
                    ],
                    labels=labels,
                ),
                provider=self.provider,
                lifecycle=TerraformResourceLifecycle(prevent_destroy=True) if keep else None,
                address="airflow_dags",
            )
            storage = g.StorageConfig(bucket=self.bucket.ref("name"))
        size = f"ENVIRONMENT_SIZE_{spec.environment_size.upper()}"
        requirements = (files or AirflowInstallFiles()).requirements
        self.environment = TypedResource(
            self,
            "environment",
            g.ComposerEnvironment(
                name=name,
                region=spec.region,
                project=spec.project,
                config=g.ComposerConfig(
                    software_config=g.SoftwareConfig(
                        image_version=spec.image_version,
                        pypi_packages=pypi_packages(requirements) or None,
                        airflow_config_overrides=spec.airflow_config_overrides or None,
                    ),
                    node_config=g.NodeConfig(
                        service_account=email,
                        network=spec.network.network if spec.network else None,
                        subnetwork=spec.network.subnetwork if spec.network else None,
                    ),
                    environment_size=size,
                    enable_private_environment=(spec.private if spec.composer_major == 3 else None),
                    private_environment_config=(
                        g.PrivateEnvironmentConfig()
                        if spec.composer_major == 2 and spec.private
                        else None
                    ),
                ),
                storage_config=storage,
                labels=labels,
            ),
            provider=self.provider,
            # The account must hold its role before Composer checks it at creation.
            depends_on=[worker, *([self.bucket] if self.bucket else [])],
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True) if protected else None,
            address="airflow",
        )
        self.release_dependencies: list[TerraformResource] = [self.environment]
        # Composer 2 without a pinned bucket: the release step learns it from the stack.
        self.release_environment: dict[str, str] = (
            {}
            if bucket_name
            else {
                COMPOSER_DAGS_ENV: "${google_composer_environment.airflow.config[0].dag_gcs_prefix}"
            }
        )
        _output(
            self,
            "airflow_webserver_url",
            "${google_composer_environment.airflow.config[0].airflow_uri}",
        )
        _output(
            self,
            "airflow_dag_gcs_prefix",
            "${google_composer_environment.airflow.config[0].dag_gcs_prefix}",
        )


def pypi_packages(requirements: bytes | None) -> dict[str, str]:
    """requirements.txt lines (`name[extra]<spec>`) as Composer's `pypi_packages` map;
    comments, blank lines and pip options are skipped."""
    packages: dict[str, str] = {}
    for raw in (requirements or b"").decode("utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = _REQUIREMENT.match(line)
        if match:
            packages[match["name"].lower()] = match["spec"].replace(" ", "")
    return packages


def _output(scope: Construct, name: str, value: str) -> None:
    stable_address(TerraformOutput(scope, name, value=value), name)
