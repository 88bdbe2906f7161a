"""`aws_mwaa_environment` with the attributes Tierform sets."""

from __future__ import annotations

from typing import Literal

from tierform.constructs.tfgeneric import Block, ResourceModel


class NetworkConfiguration(Block):
    security_group_ids: list[str]
    subnet_ids: list[str]


class ModuleLogging(Block):
    enabled: bool = True
    log_level: Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"]


class LoggingConfiguration(Block):
    dag_processing_logs: ModuleLogging
    scheduler_logs: ModuleLogging
    task_logs: ModuleLogging
    webserver_logs: ModuleLogging
    worker_logs: ModuleLogging


class MwaaEnvironment(ResourceModel):
    terraform_type = "aws_mwaa_environment"
    provider_name = "aws"

    name: str
    airflow_version: str
    environment_class: str
    execution_role_arn: str
    source_bucket_arn: str
    dag_s3_path: str
    network_configuration: NetworkConfiguration
    logging_configuration: LoggingConfiguration
    min_workers: int
    max_workers: int
    schedulers: int
    webserver_access_mode: Literal["PRIVATE_ONLY", "PUBLIC_ONLY"]
    requirements_s3_path: str | None = None
    requirements_s3_object_version: str | None = None
    plugins_s3_path: str | None = None
    plugins_s3_object_version: str | None = None
    kms_key: str | None = None
    airflow_configuration_options: dict[str, str] | None = None
    weekly_maintenance_window_start: str | None = None
    tags: dict[str, str] | None = None
