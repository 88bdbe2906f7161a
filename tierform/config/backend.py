"""Where each stack keeps its Terraform state. One state per stack (tier or sandbox)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator

from tierform.config.base import Spec
from tierform.config.buckets import GcsBucketName, S3BucketName
from tierform.config.error_format import shorten
from tierform.config.repo_paths import syntax_checked

_HCP_NAME = re.compile(r"^[A-Za-z0-9_-]*$")
_HOSTNAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


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
    # A host name, not a URL: it also names the token variable (TF_TOKEN_app_terraform_io).
    hostname: str = "app.terraform.io"

    @field_validator("organization", "workspace_prefix")
    @classmethod
    def _hcp_name(cls, value: str) -> str:
        # HCP Terraform names: letters, digits, '-' and '_' (a workspace up to 90 characters;
        # the prefix leaves room for the stack name).
        if not _HCP_NAME.fullmatch(value) or len(value) > 60:
            raise ValueError(
                f"{shorten(value)}: up to 60 letters, digits, '-' and '_' (HCP Terraform names)"
            )
        return value

    @field_validator("hostname")
    @classmethod
    def _hostname(cls, value: str) -> str:
        if not _HOSTNAME.fullmatch(value):
            raise ValueError(
                f"{shorten(value)} is not a host name (e.g. app.terraform.io or "
                "tfe.example.com: no scheme, path or port, lower case)"
            )
        return value


BackendSpec = Annotated[
    LocalBackendSpec | S3BackendSpec | GcsBackendSpec | CloudBackendSpec,
    Field(discriminator="type"),
]
