"""The tier's secret scope and its ACLs. Secret values never pass through Terraform: they
would land in state. An operator (or a pipeline) puts them with `databricks secrets put-secret`."""

from __future__ import annotations

from tierform.config.databricks import SecretScopeSpec
from tierform.constructs.databricks.bindings import SecretAcl, SecretScope
from tierform.constructs.foreach import iterator, stable_address
from tierform.constructs.framework import Construct, TerraformProvider, TerraformResource


class TierSecretScope(Construct):
    """`databricks_secret_scope.tier` and `databricks_secret_acl.acls[<PRINCIPAL>]`.

    Attributes: `name`, `scope`, `acls`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        spec: SecretScopeSpec,
        name: str,
        principal_ids: dict[str, str],
        provider: TerraformProvider,
        depends_on: list[TerraformResource],
    ):
        super().__init__(scope, id)
        self.name = name
        self.scope = stable_address(
            SecretScope(self, "scope", provider=provider, name=name), "tier"
        )
        self.acls: SecretAcl | None = None
        if spec.acls:
            it = iterator(
                {
                    p: {"principal": principal_ids[p], "permission": lvl}
                    for p, lvl in spec.acls.items()
                }
            )
            self.acls = stable_address(
                SecretAcl(
                    self,
                    "acls",
                    for_each=it,
                    provider=provider,
                    scope=self.scope.name,
                    principal=it.get_string("principal"),
                    permission=it.get_string("permission"),
                    depends_on=depends_on,
                ),
                "acls",
            )
