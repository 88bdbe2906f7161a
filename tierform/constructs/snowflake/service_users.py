"""Service users (TYPE=SERVICE): key-pair authentication only, no password can exist."""

from __future__ import annotations

from tierform.config.snowflake import ServiceUserSpec
from tierform.constructs.foreach import iterator, stable_address
from tierform.constructs.framework import (
    Construct,
    TerraformProvider,
    TerraformResource,
    TerraformVariable,
)
from tierform.constructs.snowflake.bindings import GrantAccountRole, ServiceUser


def public_key_variable_name(user: str) -> str:
    return f"snowflake_{user.lower()}_rsa_public_key"


class SnowflakeServiceUsers(Construct):
    """`snowflake_service_user.service[<USER>]` with its default role granted.

    A user's RSA public key comes from the config or, when absent there, from the Terraform
    variable `snowflake_<user>_rsa_public_key` (set `TF_VAR_…` in CI). Private keys never
    pass through Terraform: the key pair is made outside and only the public half lands here.
    Attributes: `names`, `users`, `variables` (variable name → TerraformVariable).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        users: dict[str, ServiceUserSpec],
        physical_name: dict[str, str],
        role_names: dict[str, str],
        warehouse_names: dict[str, str],
        tier: str,
        provider: TerraformProvider,
        depends_on: list[TerraformResource],
        network_policy_names: dict[str, str] | None = None,
    ):
        super().__init__(scope, id)
        self.names = {logical: physical_name[logical] for logical in users}
        self.variables: dict[str, TerraformVariable] = {}
        self.users = None
        if not users:
            return
        items = {}
        for logical, spec in users.items():
            key = spec.rsa_public_key
            if key is None:
                var_name = public_key_variable_name(logical)
                variable = TerraformVariable(
                    self,
                    var_name,
                    type="string",
                    nullable=False,
                    description=f"RSA public key of the {self.names[logical]} service user (public half only)",
                )
                stable_address(variable, var_name)
                self.variables[var_name] = variable
                key = variable.string_value
            items[logical] = {
                "name": self.names[logical],
                "role": role_names[spec.role],
                "warehouse": warehouse_names[spec.warehouse],
                "comment": spec.comment or f"{logical} service user ({tier}), managed by Tierform",
                "rsa_public_key": key,
            }
            if spec.network_policy is not None:
                items[logical]["network_policy"] = (network_policy_names or {})[spec.network_policy]
        it = iterator(items)
        # Only users that name a policy carry the field (a for_each map drops None values),
        # so a block where some do not reads it with lookup(); policy checks see through a
        # plain `each.value` reference, used when every user names one.
        named = [v for v in items.values() if "network_policy" in v]
        policy = {}
        if named:
            policy["network_policy"] = (
                it.get_string("network_policy")
                if len(named) == len(items)
                else '${lookup(each.value, "network_policy", null)}'
            )
        self.users = stable_address(
            ServiceUser(
                self,
                "service",
                for_each=it,
                provider=provider,
                name=it.get_string("name"),
                comment=it.get_string("comment"),
                default_role=it.get_string("role"),
                default_warehouse=it.get_string("warehouse"),
                rsa_public_key=it.get_string("rsa_public_key"),
                depends_on=depends_on,
                **policy,
            ),
            "service",
        )
        role_it = iterator(
            {logical: {"user": v["name"], "role": v["role"]} for logical, v in items.items()}
        )
        self.role_grants = stable_address(
            GrantAccountRole(
                self,
                "service_default_role",
                for_each=role_it,
                provider=provider,
                role_name=role_it.get_string("role"),
                user_name=role_it.get_string("user"),
                depends_on=[self.users, *depends_on],
            ),
            "service_default_role",
        )
