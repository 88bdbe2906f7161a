"""The Google provider: project and region from config, credentials only from the
environment (Application Default Credentials, GOOGLE_APPLICATION_CREDENTIALS, OIDC)."""

from __future__ import annotations

from tierform.constructs.tfgeneric import ProviderModel


class GoogleProvider(ProviderModel):
    provider_name = "google"
    source = "hashicorp/google"
    # Pinned to the 6.x line from 6.49 (Composer 3's `storage_config` and
    # `enable_private_environment` are in it). Not in this machine's provider mirror, so
    # `tierform tfcheck` checks these stacks by init and references, not `validate`.
    version_constraint = "~> 6.49"

    project: str
    region: str
    default_labels: dict[str, str] | None = None
