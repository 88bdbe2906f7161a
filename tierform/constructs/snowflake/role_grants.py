"""What functional roles receive beyond their databases and warehouses: schema access roles,
other functional roles (the role hierarchy) and existing users (people).

Granting role A to role B makes B inherit A, so `REPORTER: {inherit_roles: [READER]}` is
`GRANT ROLE READER TO ROLE REPORTER`. Cycles are refused by config validation
(snowflake_access.check_snowflake_access) before anything is synthesized. Users are existing
(SSO-managed) logins referenced by name: nothing here creates or alters a user.
"""

from __future__ import annotations

from tierform.config.snowflake import FunctionalRoleSpec
from tierform.constructs.foreach import iterator, stable_address
from tierform.constructs.framework import (
    Construct,
    TerraformProvider,
    TerraformResource,
)
from tierform.constructs.snowflake.bindings import (
    GrantAccountRole,
    GrantDatabaseRole,
)


class SnowflakeRoleGrants(Construct):
    """`snowflake_grant_database_role.functional_schema_access[<ROLE>.<DB>.<SCHEMA>.<LEVEL>]`,
    `snowflake_grant_account_role.functional_hierarchy[<ROLE>.<INHERITED>]` and
    `snowflake_grant_account_role.functional_users[<ROLE>.<USER>]`; each block only when used.

    Attributes: `grants` (the resources made).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        roles: dict[str, FunctionalRoleSpec],
        role_names: dict[str, str],
        schema_access_fqn: dict[tuple[str, str, str], str],
        provider: TerraformProvider,
        depends_on: list[TerraformResource],
    ):
        super().__init__(scope, id)
        self.grants: list[TerraformResource] = []
        schema_access = {
            f"{role}.{db}.{schema}.{level}": {
                "role": role_names[role],
                "database_role": schema_access_fqn[(db, schema, level)],
            }
            for role, spec in roles.items()
            for db, schemas in spec.schemas.items()
            for schema, level in schemas.items()
        }
        if schema_access:
            it = iterator(schema_access)
            self._add(
                GrantDatabaseRole(
                    self,
                    "functional_schema_access",
                    for_each=it,
                    provider=provider,
                    database_role_name=it.get_string("database_role"),
                    parent_role_name=it.get_string("role"),
                    depends_on=depends_on,
                ),
                "functional_schema_access",
            )
        hierarchy = {
            f"{role}.{inherited}": {"role": role_names[inherited], "parent": role_names[role]}
            for role, spec in roles.items()
            for inherited in spec.inherit_roles
        }
        if hierarchy:
            it = iterator(hierarchy)
            self._add(
                GrantAccountRole(
                    self,
                    "functional_hierarchy",
                    for_each=it,
                    provider=provider,
                    role_name=it.get_string("role"),
                    parent_role_name=it.get_string("parent"),
                    depends_on=depends_on,
                ),
                "functional_hierarchy",
            )
        users = {
            f"{role}.{user}": {"role": role_names[role], "user": user}
            for role, spec in roles.items()
            for user in spec.users
        }
        if users:
            it = iterator(users)
            self._add(
                GrantAccountRole(
                    self,
                    "functional_users",
                    for_each=it,
                    provider=provider,
                    role_name=it.get_string("role"),
                    user_name=it.get_string("user"),
                    depends_on=depends_on,
                ),
                "functional_users",
            )

    def _add(self, resource: TerraformResource, name: str) -> None:
        self.grants.append(stable_address(resource, name))
