"""Where each stack keeps its Terraform state. One state per stack (tier or sandbox)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from tierform.config.base import Spec
from tierform.config.buckets import GcsBucketName, S3BucketName
from tierform.config.repo_paths import syntax_checked


class LocalBackendSpec(Spec):
    """State files in a git-ignored folder of the repository (the default; fine for `local`)."""

    type: Literal["local"] = "local"
    # Inside .tierform/ (checked at load with the rule of repo_paths.py).
    directory: str = ".tierform/state"

    @field_validator("directory")
    @classmethod
    def _confined(cls, value: str) -> str:
        return syntax_checked(value)


class S3BackendSpec(Spec):
    """S3 with Terraform's native lock file (`use_lockfile`, Terraform ≥ 1.10): no DynamoDB."""

    type: Literal["s3"]
    bucket: S3BucketName
    region: str = Field(min_length=1)
    key_prefix: str = "tierform"
    encrypt: bool = True
    kms_key_id: str | None = None


class GcsBackendSpec(Spec):
    type: Literal["gcs"]
    bucket: GcsBucketName
    prefix: str = "tierform"


class CloudBackendSpec(Spec):
    """HCP Terraform / Terraform Enterprise: one workspace per stack, `<prefix><stack>`."""

    type: Literal["cloud"]
    organization: str = Field(min_length=1)
    workspace_prefix: str = ""
    hostname: str = "app.terraform.io"


BackendSpec = Annotated[
    LocalBackendSpec | S3BackendSpec | GcsBackendSpec | CloudBackendSpec,
    Field(discriminator="type"),
]
