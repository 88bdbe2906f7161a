"""The Databricks provider block of a tier: the workspace host, never credentials."""

from __future__ import annotations

from tierform.config.databricks import WorkspaceSpec
from tierform.constructs.addresses import claim_provider, provider_alias
from tierform.constructs.databricks.bindings import DatabricksProvider
from tierform.constructs.framework import Construct


def databricks_provider(scope: Construct, workspace: WorkspaceSpec) -> DatabricksProvider:
    """Credentials come from the environment at plan/apply time: DATABRICKS_CLIENT_ID and
    DATABRICKS_CLIENT_SECRET (OAuth M2M, the tier's service principal) or DATABRICKS_TOKEN."""
    alias = provider_alias(scope, None)
    provider = DatabricksProvider(scope, "databricks", host=workspace.host, alias=alias)
    claim_provider(provider, "databricks", alias)
    return provider
