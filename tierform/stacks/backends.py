"""Terraform state backends, one state per stack, from the tier's backend settings."""

from __future__ import annotations

import posixpath

from tierform.config.backend import (
    BackendSpec,
    CloudBackendSpec,
    GcsBackendSpec,
    LocalBackendSpec,
    S3BackendSpec,
)
from tierform.constructs.framework import (
    CloudBackend,
    GcsBackend,
    LocalBackend,
    NamedCloudWorkspace,
    S3Backend,
    TerraformStack,
)
from tierform.constructs.props import ROOT_FALLBACK


def add_backend(
    stack: TerraformStack, stack_name: str, spec: BackendSpec, *, root: str = ROOT_FALLBACK
) -> None:
    """Attach the backend for `stack_name`.

    Local state lives in the repository's git-ignored `.tierform/state/`. The path is written
    relative to the stack's working directory, where Terraform runs, so the synthesized JSON
    holds no machine path: `root` is the repository root seen from there, the same one the
    release steps use (`constructs/release/step.py`, `stack_root`: `../../..` for cdktf.out,
    deeper for a nested CDKTF_OUTDIR, whose state would otherwise land in `build/.tierform`).
    """
    match spec:
        case LocalBackendSpec():
            LocalBackend(stack, path=posixpath.join(root, spec.directory, f"{stack_name}.tfstate"))
        case S3BackendSpec():
            S3Backend(
                stack,
                bucket=spec.bucket,
                key=f"{spec.key_prefix.strip('/')}/{stack_name}.tfstate",
                region=spec.region,
                encrypt=spec.encrypt,
                kms_key_id=spec.kms_key_id,
            )
            # cdktf's S3Backend predates Terraform 1.10's S3-native locking.
            stack.add_override("terraform.backend.s3.use_lockfile", True)
        case GcsBackendSpec():
            GcsBackend(stack, bucket=spec.bucket, prefix=f"{spec.prefix.strip('/')}/{stack_name}")
        case CloudBackendSpec():
            CloudBackend(
                stack,
                organization=spec.organization,
                hostname=spec.hostname,
                workspaces=NamedCloudWorkspace(f"{spec.workspace_prefix}{stack_name}"),
            )
        case _:  # pragma: no cover - the config models admit nothing else
            raise TypeError(f"unsupported backend {spec!r}")
