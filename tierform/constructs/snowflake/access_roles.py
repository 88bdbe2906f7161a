"""Access roles: per database, database roles RO, RW and OWNER with current and future grants.

The first layer of Snowflake's recommended RBAC: privileges on objects are granted only to
these roles; functional roles (LOADER, TRANSFORMER…) get access roles, never privileges.
"""

from __future__ import annotations

from tierform.constructs.foreach import iterator, stable_address
from tierform.constructs.framework import Construct, TerraformProvider, TerraformResource
from tierform.constructs.snowflake.bindings import (
    DatabaseRole,
    GrantPrivilegesToDatabaseRole,
    GrantPrivilegesToDatabaseRoleOnSchema,
    GrantPrivilegesToDatabaseRoleOnSchemaObject,
    GrantPrivilegesToDatabaseRoleOnSchemaObjectAll,
    GrantPrivilegesToDatabaseRoleOnSchemaObjectFuture,
)
from tierform.constructs.snowflake.privileges import ACCESS_LEVELS, database_role_fqn


class SnowflakeAccessRoles(Construct):
    """`snowflake_database_role.access[<DB>.<LEVEL>]` plus five grant resources.

    Attributes: `fqn` ((logical db, level) → quoted role name), `roles`, `grants`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        database_names: dict[str, str],
        levels: tuple[str, ...] = ("RO", "RW", "OWNER"),
        object_provider: TerraformProvider,
        grant_provider: TerraformProvider,
        depends_on: list[TerraformResource],
    ):
        super().__init__(scope, id)
        pairs = [(db, level) for db in database_names for level in levels]
        self.fqn = {(db, lvl): database_role_fqn(database_names[db], lvl) for db, lvl in pairs}
        role_it = iterator(
            {f"{db}.{lvl}": {"database": database_names[db], "name": lvl} for db, lvl in pairs}
        )
        # The database owner (SYSADMIN) creates database roles; granting future privileges
        # needs MANAGE GRANTS, which SECURITYADMIN has.
        self.roles = stable_address(
            DatabaseRole(
                self,
                "access",
                for_each=role_it,
                provider=object_provider,
                database=role_it.get_string("database"),
                name=role_it.get_string("name"),
                comment=f"Tierform access role ({', '.join(levels)} per database)",
                depends_on=depends_on,
            ),
            "access",
        )
        self.grants: list[TerraformResource] = []

        def items(privs_of) -> dict[str, dict]:
            return {
                f"{db}.{lvl}": {
                    "role": self.fqn[(db, lvl)],
                    "database": database_names[db],
                    "privileges": list(privs_of(ACCESS_LEVELS[lvl])),
                }
                for db, lvl in pairs
            }

        def object_items() -> dict[str, dict]:
            return {
                f"{db}.{lvl}.{kind}": {
                    "role": self.fqn[(db, lvl)],
                    "database": database_names[db],
                    "object_type": kind,
                    "privileges": list(getattr(ACCESS_LEVELS[lvl], kind.lower())),
                }
                for db, lvl in pairs
                for kind in ("TABLES", "VIEWS")
            }

        db_it = iterator(items(lambda p: p.database))
        self._grant(
            "access_database", db_it, grant_provider, on_database=db_it.get_string("database")
        )
        for scope_name, field in (
            ("all", "all_schemas_in_database"),
            ("future", "future_schemas_in_database"),
        ):
            it = iterator(items(lambda p: p.schemas))
            self._grant(
                f"access_schemas_{scope_name}",
                it,
                grant_provider,
                on_schema=GrantPrivilegesToDatabaseRoleOnSchema(
                    **{field: it.get_string("database")}
                ),
            )
        for scope_name, cls in (
            ("all", GrantPrivilegesToDatabaseRoleOnSchemaObjectAll),
            ("future", GrantPrivilegesToDatabaseRoleOnSchemaObjectFuture),
        ):
            it = iterator(object_items())
            target = cls(
                object_type_plural=it.get_string("object_type"),
                in_database=it.get_string("database"),
            )
            self._grant(
                f"access_objects_{scope_name}",
                it,
                grant_provider,
                on_schema_object=GrantPrivilegesToDatabaseRoleOnSchemaObject(
                    **{scope_name: target}
                ),
            )

    def _grant(self, name: str, it, provider: TerraformProvider, **target) -> None:
        grant = GrantPrivilegesToDatabaseRole(
            self,
            name,
            for_each=it,
            provider=provider,
            database_role_name=it.get_string("role"),
            privileges=it.get_list("privileges"),
            depends_on=[self.roles],
            **target,
        )
        self.grants.append(stable_address(grant, name))
