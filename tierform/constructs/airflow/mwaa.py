"""Amazon MWAA for one tier: AWS provider, DAG bucket, execution role, environment."""

from __future__ import annotations

import base64

from tierform.config.airflow_mwaa import MwaaAirflowSpec
from tierform.config.dag_target import AirflowInstallFiles
from tierform.constructs.addresses import stable_address
from tierform.constructs.airflow.dag_bucket import DagBucket
from tierform.constructs.airflow.mwaa_role import MwaaExecutionRole
from tierform.constructs.aws import mwaa
from tierform.constructs.aws.provider import AwsProvider, DefaultTags
from tierform.constructs.aws.s3 import S3Object
from tierform.constructs.framework import (
    Construct,
    TerraformOutput,
    TerraformResource,
    TerraformResourceLifecycle,
)
from tierform.constructs.tfgeneric import TypedProvider, TypedResource


class MwaaAirflow(Construct):
    """`aws_mwaa_environment.airflow` with its bucket and role.

    Attributes: `provider`, `bucket` (DagBucket), `role` (MwaaExecutionRole), `environment`,
    `release_dependencies` (bucket ready for writes, and the environment: a DAG that needs a
    new requirements.txt must not go live before the environment has installed it).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        spec: MwaaAirflowSpec,
        tier: str,
        protected: bool,
        protected_bucket: bool | None = None,
        files: AirflowInstallFiles | None = None,
    ):
        super().__init__(scope, id)
        name = spec.environment_name(tier)
        tags = {"tierform:tier": tier, **spec.tags}
        self.provider = TypedProvider(
            self,
            "aws",
            AwsProvider(
                region=spec.region, default_tags=DefaultTags(tags={"managed-by": "tierform"})
            ),
        )
        self.bucket = DagBucket(
            self,
            "bucket",
            spec=spec,
            tier=tier,
            protected=protected if protected_bucket is None else protected_bucket,
            tags=tags,
            provider=self.provider,
        )
        self.role = MwaaExecutionRole(
            self,
            "role",
            environment_name=name,
            region=spec.region,
            bucket_arn=self.bucket.arn,
            kms_key_arn=spec.kms_key_arn,
            tags=tags,
            provider=self.provider,
            secrets_prefix=spec.secrets_prefix(tier) if spec.secrets.enabled else None,
        )
        files = files or AirflowInstallFiles()
        if spec.plugins is not None and files.plugins is None:
            # The construct never reads the repository; without the bytes the environment
            # would be created without the plugins its config names, silently.
            raise ValueError(
                f"airflow.plugins.path {spec.plugins.path!r}: pass the zip's bytes as "
                "files=AirflowInstallFiles(plugins=...) (tierform.release.artifact."
                "airflow_install_files reads them from the repository)"
            )
        requirements = self._object("requirements", "requirements.txt", files.requirements, spec)
        plugins = self._object("plugins", "plugins.zip", files.plugins, spec)
        options = spec.configuration_options(tier)
        logs = mwaa.ModuleLogging(log_level=spec.log_level)
        self.environment = TypedResource(
            self,
            "environment",
            mwaa.MwaaEnvironment(
                name=name,
                airflow_version=spec.airflow_version,
                environment_class=spec.environment_class,
                execution_role_arn=self.role.arn,
                source_bucket_arn=self.bucket.arn,
                dag_s3_path=spec.dags_prefix,
                network_configuration=mwaa.NetworkConfiguration(
                    subnet_ids=spec.network.subnet_ids,
                    security_group_ids=spec.network.security_group_ids,
                ),
                logging_configuration=mwaa.LoggingConfiguration(
                    dag_processing_logs=logs,
                    scheduler_logs=logs,
                    task_logs=logs,
                    webserver_logs=logs,
                    worker_logs=logs,
                ),
                min_workers=spec.min_workers,
                max_workers=spec.max_workers,
                schedulers=spec.scheduler_count,
                webserver_access_mode=(
                    "PUBLIC_ONLY" if spec.webserver_access == "public" else "PRIVATE_ONLY"
                ),
                # The version id of the object this stack uploads: a changed file is a new
                # version, so the plan shows MWAA installing it, in the same apply.
                requirements_s3_path=requirements and "requirements.txt",
                requirements_s3_object_version=requirements and requirements.ref("version_id"),
                plugins_s3_path=plugins and "plugins.zip",
                plugins_s3_object_version=plugins and plugins.ref("version_id"),
                kms_key=spec.kms_key_arn,
                airflow_configuration_options=options or None,
                weekly_maintenance_window_start=spec.weekly_maintenance_window_start,
                tags=tags,
            ),
            provider=self.provider,
            # MWAA refuses a bucket that is not yet versioned and private. The role's ARN
            # alone orders only the role: its inline policy (the bucket, logs, queues) could
            # still be missing while MWAA creates the environment with it, as Composer's
            # environment waits for its worker role.
            depends_on=[*self.bucket.release_dependencies, self.role.policy],
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True) if protected else None,
            address="airflow",
        )
        self.release_dependencies: list[TerraformResource] = [
            *self.bucket.release_dependencies,
            self.environment,
        ]
        _output(self, "airflow_webserver_url", self.environment.ref("webserver_url"))
        _output(self, "airflow_environment_arn", self.environment.ref("arn"))
        _output(self, "airflow_dag_bucket", self.bucket.name)

    def _object(
        self, name: str, key: str, data: bytes | None, spec: MwaaAirflowSpec
    ) -> TypedResource | None:
        """`aws_s3_object.airflow_<name>` at the bucket's root, outside the DAGs prefix (the
        DAG publisher syncs only that prefix, so it never deletes these)."""
        if data is None:
            return None
        return TypedResource(
            self,
            f"object_{name}",
            S3Object(
                bucket=self.bucket.bucket.ref("id"),
                key=key,
                content_base64=base64.b64encode(data).decode("ascii"),
                content_type="text/plain" if key.endswith(".txt") else "application/zip",
                kms_key_id=spec.kms_key_arn,
            ),
            provider=self.provider,
            # Versioning first: the object's version id must exist for MWAA to pin.
            depends_on=self.bucket.release_dependencies,
            address=f"airflow_{name}",
        )


def _output(scope: Construct, name: str, value: str) -> None:
    stable_address(TerraformOutput(scope, name, value=value), name)
