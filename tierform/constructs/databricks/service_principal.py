"""The tier's service principal: CI/CD deploys and job runs, with minimal entitlements."""

from __future__ import annotations

from tierform.config.databricks import ServicePrincipalSpec
from tierform.constructs.databricks.bindings import ServicePrincipal
from tierform.constructs.foreach import stable_address
from tierform.constructs.framework import Construct, TerraformProvider


class TierServicePrincipal(Construct):
    """`databricks_service_principal.tier`. No secret is created here: its OAuth secret is
    made in the account console and reaches CI as DATABRICKS_CLIENT_SECRET.

    Attributes: `display_name`, `resource`, `application_id` (what grants, permissions and
    run_as refer to).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        spec: ServicePrincipalSpec,
        display_name: str,
        tier: str,
        provider: TerraformProvider,
    ):
        super().__init__(scope, id)
        self.display_name = display_name
        self.resource = stable_address(
            ServicePrincipal(
                self,
                "service_principal",
                provider=provider,
                display_name=display_name,
                active=True,
                workspace_access=spec.workspace_access,
                databricks_sql_access=spec.databricks_sql_access,
                allow_cluster_create=spec.allow_cluster_create,
                allow_instance_pool_create=False,
            ),
            "tier",
        )
        del tier
        self.application_id: str = self.resource.application_id
