"""Service account, its project role, the environment bucket and the Composer environment."""

from __future__ import annotations

from typing import Literal

from tierform.constructs.tfgeneric import Block, ResourceModel


class _Google(ResourceModel):
    provider_name = "google"


class ServiceAccount(_Google):
    terraform_type = "google_service_account"
    account_id: str
    display_name: str
    description: str | None = None
    project: str


class ProjectIamMember(_Google):
    terraform_type = "google_project_iam_member"
    project: str
    role: str
    member: str


class Versioning(Block):
    enabled: bool = True


class BucketLogging(Block):
    log_bucket: str
    log_object_prefix: str | None = None


class NoncurrentCondition(Block):
    days_since_noncurrent_time: int


class LifecycleAction(Block):
    type: Literal["Delete", "SetStorageClass", "AbortIncompleteMultipartUpload"] = "Delete"


class LifecycleRule(Block):
    action: LifecycleAction = LifecycleAction()
    condition: NoncurrentCondition


class StorageBucket(_Google):
    terraform_type = "google_storage_bucket"
    name: str
    location: str
    project: str
    storage_class: Literal["STANDARD"] = "STANDARD"  # Composer needs Standard
    uniform_bucket_level_access: bool = True
    public_access_prevention: Literal["enforced", "inherited"] = "enforced"
    force_destroy: bool = False
    versioning: Versioning = Versioning()
    logging: BucketLogging | None = None
    lifecycle_rule: list[LifecycleRule] | None = None
    labels: dict[str, str] | None = None


class SoftwareConfig(Block):
    image_version: str
    pypi_packages: dict[str, str] | None = None
    airflow_config_overrides: dict[str, str] | None = None
    env_variables: dict[str, str] | None = None


class NodeConfig(Block):
    service_account: str
    network: str | None = None
    subnetwork: str | None = None


class PrivateEnvironmentConfig(Block):
    enable_private_endpoint: bool = True


class ComposerConfig(Block):
    software_config: SoftwareConfig
    node_config: NodeConfig
    environment_size: Literal[
        "ENVIRONMENT_SIZE_SMALL", "ENVIRONMENT_SIZE_MEDIUM", "ENVIRONMENT_SIZE_LARGE"
    ]
    # Composer 3
    enable_private_environment: bool | None = None
    # Composer 2
    private_environment_config: PrivateEnvironmentConfig | None = None


class StorageConfig(Block):
    bucket: str


class ComposerEnvironment(_Google):
    terraform_type = "google_composer_environment"
    name: str
    region: str
    project: str
    config: ComposerConfig
    storage_config: StorageConfig | None = None
    labels: dict[str, str] | None = None
