"""A developer's Snowflake sandbox on the dev tier: a schema (or database) the developer's
own role owns, so dbt's per-developer target has somewhere to build."""

from __future__ import annotations

from tierform.config.snowflake_sandbox_names import sandbox_object_name, sandbox_role
from tierform.config.tier import DeveloperSpec, TierSpec
from tierform.constructs.foreach import iterator, stable_address
from tierform.constructs.framework import Construct
from tierform.constructs.literal import literal_spec
from tierform.constructs.snowflake.bindings import (
    AccountRole,
    Database,
    GrantAccountRole,
    GrantOwnership,
    GrantOwnershipOn,
    GrantPrivilegesToAccountRole,
    GrantPrivilegesToAccountRoleOnAccountObject,
    Schema,
)
from tierform.constructs.snowflake.providers import SnowflakeProviders


class SnowflakeSandbox(Construct):
    """Sandbox role `SANDBOX_<DEV>` (tier-named) owning the developer's schema or database.

    It inherits the configured functional roles (read RAW, use a warehouse) and is granted
    to the developer's user when the config names one. References to the dev tier's objects
    are by name only: sandbox stacks never read another stack's outputs.
    Attributes: `role_name`, `schema_name` / `database_name`.
    """

    def __init__(self, scope: Construct, id: str, *, tier: TierSpec, developer: DeveloperSpec):
        super().__init__(scope, id)
        # config text becomes Terraform literals (see literal.py)
        tier, developer = literal_spec(tier), literal_spec(developer)
        sf = tier.snowflake
        if sf is None or sf.sandboxes is None:
            raise ValueError(f"tier {tier.name!r} declares no Snowflake sandboxes")
        box = sf.sandboxes
        providers = SnowflakeProviders(
            self,
            "providers",
            connection=sf.connection,
            accountadmin=False,
            roles=sf.provider_roles,
        )
        self.role_name = tier.object_name(sandbox_role(developer.name))
        role = stable_address(
            AccountRole(
                self,
                "role",
                provider=providers.securityadmin,
                name=self.role_name,
                comment=f"Sandbox of {developer.name} on {tier.name}, managed by Tierform",
            ),
            "sandbox",
        )
        to_sysadmin = stable_address(
            GrantAccountRole(
                self,
                "to_sysadmin",
                provider=providers.securityadmin,
                role_name=self.role_name,
                parent_role_name="SYSADMIN",
                depends_on=[role],
            ),
            "sandbox_to_sysadmin",
        )
        del to_sysadmin  # ordering only
        if developer.snowflake_user:
            stable_address(
                GrantAccountRole(
                    self,
                    "to_user",
                    provider=providers.securityadmin,
                    role_name=self.role_name,
                    user_name=developer.snowflake_user,
                    depends_on=[role],
                ),
                "sandbox_to_user",
            )
        if box.inherit_roles:
            it = iterator({r: {"role": tier.object_name(r)} for r in box.inherit_roles})
            stable_address(
                GrantAccountRole(
                    self,
                    "inherit",
                    for_each=it,
                    provider=providers.securityadmin,
                    role_name=it.get_string("role"),
                    parent_role_name=self.role_name,
                    depends_on=[role],
                ),
                "sandbox_inherits",
            )
        if box.warehouse:
            stable_address(
                GrantPrivilegesToAccountRole(
                    self,
                    "warehouse",
                    provider=providers.securityadmin,
                    account_role_name=self.role_name,
                    privileges=["USAGE"],
                    on_account_object=GrantPrivilegesToAccountRoleOnAccountObject(
                        object_type="WAREHOUSE", object_name=tier.object_name(box.warehouse)
                    ),
                    depends_on=[role],
                ),
                "sandbox_warehouse_usage",
            )
        name = sandbox_object_name(developer.name)
        if box.kind == "schema":
            assert box.database is not None  # enforced by config validation
            self.database_name = tier.object_name(box.database)
            self.schema_name = name
            obj = stable_address(
                Schema(
                    self,
                    "schema",
                    provider=providers.sysadmin,
                    database=self.database_name,
                    name=name,
                    comment=f"Sandbox of {developer.name}, managed by Tierform",
                ),
                "sandbox",
            )
            stable_address(
                GrantPrivilegesToAccountRole(
                    self,
                    "database_usage",
                    provider=providers.securityadmin,
                    account_role_name=self.role_name,
                    privileges=["USAGE"],
                    on_account_object=GrantPrivilegesToAccountRoleOnAccountObject(
                        object_type="DATABASE", object_name=self.database_name
                    ),
                    depends_on=[role],
                ),
                "sandbox_database_usage",
            )
            target = GrantOwnershipOn(
                object_type="SCHEMA", object_name=f'"{self.database_name}"."{name}"'
            )
        else:
            self.database_name = tier.object_name(name)
            self.schema_name = None
            obj = stable_address(
                Database(
                    self,
                    "database",
                    provider=providers.sysadmin,
                    name=self.database_name,
                    comment=f"Sandbox of {developer.name}, managed by Tierform",
                    data_retention_time_in_days=0,
                ),
                "sandbox",
            )
            target = GrantOwnershipOn(object_type="DATABASE", object_name=self.database_name)
        stable_address(
            GrantOwnership(
                self,
                "ownership",
                provider=providers.securityadmin,
                account_role_name=self.role_name,
                on=target,
                outbound_privileges="COPY",
                depends_on=[obj, role],
            ),
            "sandbox",
        )
