"""Functional roles: account roles people and services use, built from access roles.

Each gets its database access roles and USAGE on its warehouses, and is granted to SYSADMIN
so the role hierarchy stays whole (SYSADMIN can see and manage everything they create).
"""

from __future__ import annotations

from tierform.config.snowflake import FunctionalRoleSpec
from tierform.constructs.foreach import iterator, stable_address
from tierform.constructs.framework import Construct, TerraformProvider, TerraformResource
from tierform.constructs.snowflake.bindings import (
    AccountRole,
    GrantAccountRole,
    GrantDatabaseRole,
    GrantPrivilegesToAccountRole,
    GrantPrivilegesToAccountRoleOnAccountObject,
)


class SnowflakeFunctionalRoles(Construct):
    """`snowflake_account_role.functional[<ROLE>]` and its grants.

    Attributes: `names` (logical → physical), `roles`, `grants`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        roles: dict[str, FunctionalRoleSpec],
        physical_name: dict[str, str],
        access_role_fqn: dict[tuple[str, str], str],
        warehouse_names: dict[str, str],
        tier: str,
        provider: TerraformProvider,
        depends_on: list[TerraformResource],
    ):
        super().__init__(scope, id)
        self.names = {logical: physical_name[logical] for logical in roles}
        self.grants: list[TerraformResource] = []
        self.roles = None
        if not roles:
            return
        role_it = iterator(
            {
                logical: {
                    "name": self.names[logical],
                    "comment": spec.comment or f"{logical} ({tier}), managed by Tierform",
                }
                for logical, spec in roles.items()
            }
        )
        self.roles = stable_address(
            AccountRole(
                self,
                "functional",
                for_each=role_it,
                provider=provider,
                name=role_it.get_string("name"),
                comment=role_it.get_string("comment"),
            ),
            "functional",
        )
        after = [self.roles, *depends_on]

        access = {
            f"{logical}.{db}.{level}": {
                "role": self.names[logical],
                "database_role": access_role_fqn[(db, level)],
            }
            for logical, spec in roles.items()
            for db, level in spec.databases.items()
        }
        if access:
            it = iterator(access)
            self.grants.append(
                stable_address(
                    GrantDatabaseRole(
                        self,
                        "functional_access",
                        for_each=it,
                        provider=provider,
                        database_role_name=it.get_string("database_role"),
                        parent_role_name=it.get_string("role"),
                        depends_on=after,
                    ),
                    "functional_access",
                )
            )
        usage = {
            f"{logical}.{wh}": {"role": self.names[logical], "warehouse": warehouse_names[wh]}
            for logical, spec in roles.items()
            for wh in spec.warehouses
        }
        if usage:
            it = iterator(usage)
            self.grants.append(
                stable_address(
                    GrantPrivilegesToAccountRole(
                        self,
                        "functional_warehouse_usage",
                        for_each=it,
                        provider=provider,
                        account_role_name=it.get_string("role"),
                        privileges=["USAGE"],
                        on_account_object=GrantPrivilegesToAccountRoleOnAccountObject(
                            object_type="WAREHOUSE", object_name=it.get_string("warehouse")
                        ),
                        depends_on=after,
                    ),
                    "functional_warehouse_usage",
                )
            )
        to_sysadmin = iterator({logical: {"role": self.names[logical]} for logical in roles})
        self.grants.append(
            stable_address(
                GrantAccountRole(
                    self,
                    "functional_to_sysadmin",
                    for_each=to_sysadmin,
                    provider=provider,
                    role_name=to_sysadmin.get_string("role"),
                    parent_role_name="SYSADMIN",
                    depends_on=[self.roles],
                ),
                "functional_to_sysadmin",
            )
        )
