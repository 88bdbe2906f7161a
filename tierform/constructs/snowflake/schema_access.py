"""Schema-level access roles: database roles `<SCHEMA>_RO` / `<SCHEMA>_RW` in the schema's
database, with current and future grants on that schema only.

Created for the schemas a functional role names under `schemas:` (both levels per schema,
so adding a writer later creates no new naming). Snowflake trap handled here: when a
schema has future grants of its own, the *database-level* future grants are ignored in
that schema ("schema-level grants take precedence"). So every database-level access role
(RO, RW, OWNER) also gets its future grants repeated on each such schema; otherwise LOADER's
`RAW: RW` would silently stop covering new tables in a schema someone gave a reader.
"""

from __future__ import annotations

from tierform.config.snowflake_access import schema_role_name
from tierform.constructs.foreach import iterator, stable_address
from tierform.constructs.framework import (
    Construct,
    TerraformProvider,
    TerraformResource,
)
from tierform.constructs.snowflake.bindings import (
    DatabaseRole,
    GrantPrivilegesToDatabaseRole,
    GrantPrivilegesToDatabaseRoleOnSchema,
    GrantPrivilegesToDatabaseRoleOnSchemaObject,
    GrantPrivilegesToDatabaseRoleOnSchemaObjectAll,
    GrantPrivilegesToDatabaseRoleOnSchemaObjectFuture,
)
from tierform.constructs.snowflake.privileges import ACCESS_LEVELS, database_role_fqn

SCHEMA_LEVELS = ("RO", "RW")
OBJECT_KINDS = ("TABLES", "VIEWS")


def _schema_fqn(database: str, schema: str) -> str:
    return f'"{database}"."{schema}"'


class SnowflakeSchemaAccessRoles(Construct):
    """`snowflake_database_role.schema_access[<DB>.<SCHEMA>.<LEVEL>]` and their grants.

    `schemas`: (logical db, schema) pairs; `database_names`: logical → physical database;
    `database_access_fqn`: (logical db, level) → database-level access role, whose future
    grants are repeated on these schemas (see the module docstring).
    Attributes: `fqn` ((db, schema, level) → quoted role name), `roles`, `grants`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        schemas: list[tuple[str, str]],
        database_names: dict[str, str],
        database_access_fqn: dict[tuple[str, str], str],
        object_provider: TerraformProvider,
        grant_provider: TerraformProvider,
        depends_on: list[TerraformResource],
    ):
        super().__init__(scope, id)
        triples = [(db, s, lvl) for db, s in sorted(set(schemas)) for lvl in SCHEMA_LEVELS]
        self.fqn = {
            (db, s, lvl): database_role_fqn(database_names[db], schema_role_name(s, lvl))
            for db, s, lvl in triples
        }
        self.grants: list[TerraformResource] = []
        self.roles: TerraformResource | None = None
        if not triples:
            return
        role_it = iterator(
            {
                f"{db}.{s}.{lvl}": {
                    "database": database_names[db],
                    "name": schema_role_name(s, lvl),
                    "comment": f"Tierform schema access role: {lvl} on {db}.{s}",
                }
                for db, s, lvl in triples
            }
        )
        self.roles = stable_address(
            DatabaseRole(
                self,
                "schema_access",
                for_each=role_it,
                provider=object_provider,
                database=role_it.get_string("database"),
                name=role_it.get_string("name"),
                comment=role_it.get_string("comment"),
                depends_on=depends_on,
            ),
            "schema_access",
        )

        def role_items(extra) -> dict[str, dict]:
            return {
                f"{db}.{s}.{lvl}": {
                    "role": self.fqn[(db, s, lvl)],
                    "database": database_names[db],
                    "schema": _schema_fqn(database_names[db], s),
                    **extra(lvl),
                }
                for db, s, lvl in triples
            }

        # USAGE on the database: without it the schema cannot be reached at all.
        it = iterator(role_items(lambda lvl: {"privileges": ["USAGE"]}))
        self._grant(
            "schema_access_database", it, grant_provider, on_database=it.get_string("database")
        )
        it = iterator(role_items(lambda lvl: {"privileges": list(ACCESS_LEVELS[lvl].schemas)}))
        self._grant(
            "schema_access_schema",
            it,
            grant_provider,
            on_schema=GrantPrivilegesToDatabaseRoleOnSchema(schema_name=it.get_string("schema")),
        )
        objects = {
            f"{db}.{s}.{lvl}.{kind}": {
                "role": self.fqn[(db, s, lvl)],
                "schema": _schema_fqn(database_names[db], s),
                "object_type": kind,
                "privileges": list(getattr(ACCESS_LEVELS[lvl], kind.lower())),
            }
            for db, s, lvl in triples
            for kind in OBJECT_KINDS
        }
        # Database-level roles keep their future grants inside these schemas.
        inherited = {
            f"{db}.{s}.{lvl}.{kind}": {
                "role": fqn,
                "schema": _schema_fqn(database_names[db], s),
                "object_type": kind,
                "privileges": list(getattr(ACCESS_LEVELS[lvl], kind.lower())),
            }
            for db, s in sorted(set(schemas))
            for (adb, lvl), fqn in sorted(database_access_fqn.items())
            if adb == db
            for kind in OBJECT_KINDS
        }
        for scope_name, cls in (
            ("all", GrantPrivilegesToDatabaseRoleOnSchemaObjectAll),
            ("future", GrantPrivilegesToDatabaseRoleOnSchemaObjectFuture),
        ):
            it = iterator(objects)
            self._grant(
                f"schema_access_objects_{scope_name}",
                it,
                grant_provider,
                on_schema_object=GrantPrivilegesToDatabaseRoleOnSchemaObject(
                    **{
                        scope_name: cls(
                            object_type_plural=it.get_string("object_type"),
                            in_schema=it.get_string("schema"),
                        )
                    }
                ),
            )
        if inherited:
            it = iterator(inherited)
            self._grant(
                "schema_access_database_roles_future",
                it,
                grant_provider,
                on_schema_object=GrantPrivilegesToDatabaseRoleOnSchemaObject(
                    future=GrantPrivilegesToDatabaseRoleOnSchemaObjectFuture(
                        object_type_plural=it.get_string("object_type"),
                        in_schema=it.get_string("schema"),
                    )
                ),
            )

    def _grant(self, name: str, it, provider: TerraformProvider, **target) -> None:
        assert self.roles is not None
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
