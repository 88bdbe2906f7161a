"""The S3 bucket MWAA reads DAGs, requirements and plugins from."""

from __future__ import annotations

import json

from tierform.config.airflow_mwaa import MwaaAirflowSpec
from tierform.constructs.aws import s3
from tierform.constructs.framework import Construct, TerraformProvider, TerraformResourceLifecycle
from tierform.constructs.tfgeneric import TypedResource


class DagBucket(Construct):
    """`aws_s3_bucket.airflow_dags` and what makes it safe: versioning (MWAA requires it),
    all public access blocked, ACLs disabled, KMS encryption by default, TLS-only policy,
    access logs (when a log bucket is configured), expiry of old object versions and of
    abandoned uploads, and change events to EventBridge (an audit trail of DAG releases).

    Attributes: `name`, `arn`, `bucket`, `release_dependencies` (what must exist before a
    DAG release writes to the bucket).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        spec: MwaaAirflowSpec,
        tier: str,
        protected: bool,
        tags: dict[str, str],
        provider: TerraformProvider,
    ):
        super().__init__(scope, id)
        self.name = spec.bucket_name(tier)
        lifecycle = TerraformResourceLifecycle(prevent_destroy=True) if protected else None

        # Every resource of the bucket shares one address name: aws_s3_bucket.airflow_dags,
        # aws_s3_bucket_versioning.airflow_dags, …
        def resource(model, **kwargs) -> TypedResource:
            return TypedResource(
                self,
                model.terraform_type,
                model,
                provider=provider,
                address="airflow_dags",
                **kwargs,
            )

        self.bucket = resource(s3.S3Bucket(bucket=self.name, tags=tags), lifecycle=lifecycle)
        self.arn = self.bucket.ref("arn")
        bucket_id = self.bucket.ref("id")
        versioning = resource(
            s3.S3BucketVersioning(
                bucket=bucket_id, versioning_configuration=s3.VersioningConfiguration()
            ),
        )
        public_access = resource(s3.S3BucketPublicAccessBlock(bucket=bucket_id))
        resource(
            s3.S3BucketOwnershipControls(
                bucket=bucket_id, rule=s3.OwnershipRule(object_ownership="BucketOwnerEnforced")
            ),
        )
        resource(
            s3.S3BucketServerSideEncryptionConfiguration(
                bucket=bucket_id,
                rule=[
                    s3.SseRule(
                        apply_server_side_encryption_by_default=s3.SseDefault(
                            sse_algorithm="aws:kms", kms_master_key_id=spec.kms_key_arn
                        ),
                        bucket_key_enabled=True,
                    )
                ],
            ),
        )
        policy = resource(
            s3.S3BucketPolicy(bucket=bucket_id, policy=_tls_only_policy(self.arn)),
            depends_on=[public_access],
        )
        if spec.access_logs is not None:
            resource(
                s3.S3BucketLogging(
                    bucket=bucket_id,
                    target_bucket=spec.access_logs.bucket,
                    target_prefix=f"{spec.access_logs.prefix}{self.name}/",
                ),
            )
        resource(
            s3.S3BucketLifecycleConfiguration(
                bucket=bucket_id,
                rule=[
                    s3.LifecycleRule(
                        id="expire-old-versions",
                        noncurrent_version_expiration=s3.NoncurrentVersionExpiration(
                            noncurrent_days=spec.noncurrent_version_days
                        ),
                        abort_incomplete_multipart_upload=s3.AbortIncompleteMultipartUpload(
                            days_after_initiation=7
                        ),
                    )
                ],
            ),
            # Lifecycle rules on a versioned bucket need versioning in place first.
            depends_on=[versioning],
        )
        resource(s3.S3BucketNotification(bucket=bucket_id, eventbridge=True))
        self.release_dependencies = [self.bucket, versioning, public_access, policy]


def _tls_only_policy(bucket_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [bucket_arn, f"{bucket_arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
    )
