"""S3 bucket and the separate resources that configure it (provider v4+ style)."""

from __future__ import annotations

from typing import Literal

from tierform.constructs.tfgeneric import Block, ResourceModel


class _Aws(ResourceModel):
    provider_name = "aws"


class S3Bucket(_Aws):
    terraform_type = "aws_s3_bucket"
    bucket: str
    force_destroy: bool = False
    tags: dict[str, str] | None = None


class VersioningConfiguration(Block):
    status: Literal["Enabled", "Suspended"] = "Enabled"


class S3BucketVersioning(_Aws):
    terraform_type = "aws_s3_bucket_versioning"
    bucket: str
    versioning_configuration: VersioningConfiguration


class S3BucketPublicAccessBlock(_Aws):
    terraform_type = "aws_s3_bucket_public_access_block"
    bucket: str
    block_public_acls: bool = True
    block_public_policy: bool = True
    ignore_public_acls: bool = True
    restrict_public_buckets: bool = True


class OwnershipRule(Block):
    object_ownership: Literal["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"]


class S3BucketOwnershipControls(_Aws):
    terraform_type = "aws_s3_bucket_ownership_controls"
    bucket: str
    rule: OwnershipRule


class SseDefault(Block):
    sse_algorithm: Literal["aws:kms", "aws:kms:dsse", "AES256"]
    kms_master_key_id: str | None = None


class SseRule(Block):
    apply_server_side_encryption_by_default: SseDefault
    bucket_key_enabled: bool | None = None


class S3BucketServerSideEncryptionConfiguration(_Aws):
    terraform_type = "aws_s3_bucket_server_side_encryption_configuration"
    bucket: str
    rule: list[SseRule]


class S3BucketPolicy(_Aws):
    terraform_type = "aws_s3_bucket_policy"
    bucket: str
    policy: str  # JSON document


class S3BucketLogging(_Aws):
    terraform_type = "aws_s3_bucket_logging"
    bucket: str
    target_bucket: str
    target_prefix: str


class LifecycleFilter(Block):
    prefix: str = ""


class NoncurrentVersionExpiration(Block):
    noncurrent_days: int


class AbortIncompleteMultipartUpload(Block):
    days_after_initiation: int


class LifecycleRule(Block):
    id: str
    status: Literal["Enabled", "Disabled"] = "Enabled"
    filter: LifecycleFilter = LifecycleFilter()
    noncurrent_version_expiration: NoncurrentVersionExpiration | None = None
    abort_incomplete_multipart_upload: AbortIncompleteMultipartUpload | None = None


class S3BucketLifecycleConfiguration(_Aws):
    terraform_type = "aws_s3_bucket_lifecycle_configuration"
    bucket: str
    rule: list[LifecycleRule]


class S3BucketNotification(_Aws):
    terraform_type = "aws_s3_bucket_notification"
    bucket: str
    eventbridge: bool


class S3Object(_Aws):
    """An object Terraform owns (MWAA's requirements.txt, plugins.zip). In a versioned
    bucket every content change gives a new `version_id`, which pins the environment."""

    terraform_type = "aws_s3_object"
    bucket: str
    key: str
    content_base64: str
    content_type: str | None = None
    kms_key_id: str | None = None
    tags: dict[str, str] | None = None
