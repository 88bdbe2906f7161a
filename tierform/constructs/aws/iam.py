"""IAM role and its inline policy; data sources for the account and partition."""

from __future__ import annotations

from tierform.constructs.tfgeneric import ResourceModel


class _Aws(ResourceModel):
    provider_name = "aws"


class IamRole(_Aws):
    terraform_type = "aws_iam_role"
    name: str
    assume_role_policy: str  # JSON document
    description: str | None = None
    max_session_duration: int | None = None
    tags: dict[str, str] | None = None


class IamRolePolicy(_Aws):
    terraform_type = "aws_iam_role_policy"
    name: str
    role: str
    policy: str  # JSON document


class CallerIdentity(_Aws):
    terraform_type = "aws_caller_identity"


class Partition(_Aws):
    terraform_type = "aws_partition"
