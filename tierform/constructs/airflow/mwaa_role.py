"""The MWAA execution role: what the environment itself may do, and nothing more."""

from __future__ import annotations

import json

from tierform.config.airflow_mwaa import execution_role_name
from tierform.constructs.aws.iam import CallerIdentity, IamRole, IamRolePolicy, Partition
from tierform.constructs.framework import Construct, TerraformProvider
from tierform.constructs.tfgeneric import TypedDataSource, TypedResource


class MwaaExecutionRole(Construct):
    """`aws_iam_role.airflow_execution` with one inline policy. It may read the DAG bucket
    (objects, listing), write its own log groups (`airflow-<env>-*`), publish its own metrics,
    and use MWAA's Celery queues (which MWAA requires to run tasks), and read the tier's own
    secrets (`<secrets_prefix>/*` in Secrets Manager, the workers' connections). No write to
    S3, no other bucket, no other log group, no other secret. With a customer-managed key, it may use that key only.

    Attributes: `role`, `arn`, `policy` (the inline policy: what the environment must wait
    for, since a role without it cannot read the bucket or write logs).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        environment_name: str,
        region: str,
        bucket_arn: str,
        kms_key_arn: str | None,
        tags: dict[str, str],
        provider: TerraformProvider,
        secrets_prefix: str | None = None,
    ):
        super().__init__(scope, id)
        account = TypedDataSource(
            self, "account", CallerIdentity(), provider=provider, address="current"
        ).ref("account_id")
        partition = TypedDataSource(
            self, "partition", Partition(), provider=provider, address="current"
        ).ref("partition")
        self.role = TypedResource(
            self,
            "role",
            IamRole(
                name=execution_role_name(environment_name),
                description=f"MWAA execution role of {environment_name}, managed by Tierform",
                assume_role_policy=_trust_policy(),
                tags=tags,
            ),
            provider=provider,
            address="airflow_execution",
        )
        self.arn = self.role.ref("arn")
        arns = _Arns(partition, region, account, environment_name, secrets_prefix)
        self.policy = TypedResource(
            self,
            "policy",
            IamRolePolicy(
                name="mwaa-execution",
                role=self.role.ref("id"),
                policy=_execution_policy(arns, bucket_arn, kms_key_arn, region),
            ),
            provider=provider,
            address="airflow_execution",
        )


class _Arns:
    def __init__(
        self,
        partition: str,
        region: str,
        account: str,
        environment: str,
        secrets_prefix: str | None = None,
    ):
        # Secrets Manager appends "-" and six random characters to every secret's ARN.
        self.secrets = (
            f"arn:{partition}:secretsmanager:{region}:{account}:secret:{secrets_prefix}/*"
            if secrets_prefix
            else None
        )
        self.environment = f"arn:{partition}:airflow:{region}:{account}:environment/{environment}"
        self.log_groups = (
            f"arn:{partition}:logs:{region}:{account}:log-group:airflow-{environment}-*"
        )
        self.celery_queues = f"arn:{partition}:sqs:{region}:*:airflow-celery-*"
        self.own_account_keys = f"arn:{partition}:kms:*:{account}:key/*"


def _trust_policy() -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {
                        "Service": ["airflow.amazonaws.com", "airflow-env.amazonaws.com"]
                    },
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


def _execution_policy(arns: _Arns, bucket_arn: str, kms_key_arn: str | None, region: str) -> str:
    statements: list[dict] = [
        {
            "Sid": "PublishOwnMetrics",
            "Effect": "Allow",
            "Action": "airflow:PublishMetrics",
            "Resource": arns.environment,
        },
        {
            "Sid": "ReadDagBucket",
            "Effect": "Allow",
            "Action": ["s3:GetObject*", "s3:GetBucket*", "s3:List*"],
            "Resource": [bucket_arn, f"{bucket_arn}/*"],
        },
        {
            # MWAA checks that the bucket is not public; this action has no resource scope.
            "Sid": "CheckAccountPublicAccessBlock",
            "Effect": "Allow",
            "Action": "s3:GetAccountPublicAccessBlock",
            "Resource": "*",
        },
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": [
                "logs:CreateLogStream",
                "logs:CreateLogGroup",
                "logs:PutLogEvents",
                "logs:GetLogEvents",
                "logs:GetLogRecord",
                "logs:GetLogGroupFields",
                "logs:GetQueryResults",
            ],
            "Resource": arns.log_groups,
        },
        {
            # Neither action can be scoped to a resource.
            "Sid": "DescribeLogGroupsAndPutMetrics",
            "Effect": "Allow",
            "Action": ["logs:DescribeLogGroups", "cloudwatch:PutMetricData"],
            "Resource": "*",
        },
        {
            "Sid": "UseCeleryQueues",
            "Effect": "Allow",
            "Action": [
                "sqs:ChangeMessageVisibility",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
                "sqs:ReceiveMessage",
                "sqs:SendMessage",
            ],
            "Resource": arns.celery_queues,
        },
    ]
    if arns.secrets:
        statements.append(
            {
                # The secrets backend: this tier's connections and variables, nothing else.
                "Sid": "ReadOwnTierSecrets",
                "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Resource": arns.secrets,
            }
        )
    kms_actions = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:Encrypt"]
    if kms_key_arn is None:
        # The Celery queues live in an AWS service account, encrypted with an AWS-owned key:
        # allow keys outside this account, only through SQS.
        statements.append(
            {
                "Sid": "UseQueueKeysThroughSqs",
                "Effect": "Allow",
                "Action": kms_actions,
                "NotResource": arns.own_account_keys,
                "Condition": {"StringLike": {"kms:ViaService": [f"sqs.{region}.amazonaws.com"]}},
            }
        )
    else:
        statements.append(
            {
                "Sid": "UseEnvironmentKeyThroughSqsAndS3",
                "Effect": "Allow",
                "Action": kms_actions,
                "Resource": kms_key_arn,
                "Condition": {
                    "StringLike": {
                        "kms:ViaService": [
                            f"sqs.{region}.amazonaws.com",
                            f"s3.{region}.amazonaws.com",
                        ]
                    }
                },
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})
