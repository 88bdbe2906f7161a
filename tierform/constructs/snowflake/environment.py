"""One tier's whole Snowflake environment, composed from the pieces in this package."""

from __future__ import annotations

from tierform.config.protection import guards
from tierform.config.tier import TierSpec
from tierform.constructs.addresses import set_address_prefix
from tierform.constructs.framework import Construct, TerraformResource
from tierform.constructs.literal import literal_spec
from tierform.constructs.name_claims import claim_names
from tierform.constructs.props import SnowflakeEnvironmentProps, environment_props
from tierform.constructs.snowflake.access_roles import SnowflakeAccessRoles
from tierform.constructs.snowflake.databases import SnowflakeDatabases
from tierform.constructs.snowflake.functional_roles import SnowflakeFunctionalRoles
from tierform.constructs.snowflake.network_policies import SnowflakeNetworkPolicies
from tierform.constructs.snowflake.providers import SnowflakeProviders
from tierform.constructs.snowflake.role_grants import SnowflakeRoleGrants
from tierform.constructs.snowflake.schema_access import SnowflakeSchemaAccessRoles
from tierform.constructs.snowflake.service_users import SnowflakeServiceUsers
from tierform.constructs.snowflake.warehouses import SnowflakeWarehouses


class SnowflakeEnvironment(Construct):
    """Databases, schemas, warehouses (+ resource monitor), access and functional roles and
    service users of one tier.

    Attributes for other constructs: `database_names`, `warehouse_names`, `role_names`,
    `user_names` (logical → physical), and `release_dependencies`: what a dbt release must
    wait for (warehouses, databases, roles and grants, service users).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        props: SnowflakeEnvironmentProps | None = None,
        *,
        tier: TierSpec | None = None,
    ):
        super().__init__(scope, id)
        props = environment_props(SnowflakeEnvironmentProps, props, tier)
        set_address_prefix(self, props.address_prefix)
        claim_names(self, props.tier_spec())
        self.props = props
        # Its tier's guardrails, unless a tier stack above carries them (a stack of one's own).
        from tierform.stacks.guardrails import guard_environment

        self.guardrails = guard_environment(self, props.tier_spec())
        tier = literal_spec(
            props.tier_spec()
        )  # config text becomes Terraform literals (see literal.py)
        sf = tier.snowflake
        if sf is None:
            raise ValueError(f"tier {tier.name!r} has no snowflake section")
        self.tier = tier
        self.providers = SnowflakeProviders(
            self,
            "providers",
            connection=sf.connection,
            accountadmin=sf.resource_monitor is not None,
            roles=sf.provider_roles,
        )

        def physical(names) -> dict[str, str]:
            return {logical: tier.object_name(logical) for logical in names}

        self.warehouses = SnowflakeWarehouses(
            self,
            "warehouses",
            warehouses=sf.warehouses,
            physical_name=physical(sf.warehouses),
            monitor=sf.resource_monitor,
            monitor_name=tier.object_name(
                sf.resource_monitor.name if sf.resource_monitor else "MONITOR"
            ),
            tier=tier.name,
            provider=self.providers.sysadmin,
            monitor_provider=self.providers.accountadmin,
        )
        self.databases = SnowflakeDatabases(
            self,
            "databases",
            databases=sf.databases,
            physical_name=physical(sf.databases),
            tier=tier.name,
            # per block: a `retire:` entry lifts prevent_destroy from its block only
            protected=guards(tier, "snowflake.databases"),
            protected_schemas=guards(tier, "snowflake.schemas"),
            provider=self.providers.sysadmin,
        )
        db_ready: list[TerraformResource] = [self.databases.database]
        self.access_roles = (
            SnowflakeAccessRoles(
                self,
                "access_roles",
                database_names=self.databases.names,
                object_provider=self.providers.sysadmin,
                grant_provider=self.providers.securityadmin,
                depends_on=db_ready,
            )
            if sf.databases
            else None
        )
        wh_ready = [self.warehouses.warehouse] if self.warehouses.warehouse else []
        access_ready = [*self.access_roles.grants] if self.access_roles else []
        self.functional_roles = SnowflakeFunctionalRoles(
            self,
            "functional_roles",
            roles=sf.roles,
            physical_name=physical(sf.roles),
            access_role_fqn=self.access_roles.fqn if self.access_roles else {},
            warehouse_names=self.warehouses.names,
            tier=tier.name,
            provider=self.providers.securityadmin,
            depends_on=[*wh_ready, *([self.access_roles.roles] if self.access_roles else [])],
        )
        # Deeper models (schema access, role hierarchy, people, network policies).
        self.schema_access = SnowflakeSchemaAccessRoles(
            self,
            "schema_access",
            schemas=[
                (db, schema)
                for role in sf.roles.values()
                for db, schemas in role.schemas.items()
                for schema in schemas
            ],
            database_names=self.databases.names,
            database_access_fqn=self.access_roles.fqn if self.access_roles else {},
            object_provider=self.providers.sysadmin,
            grant_provider=self.providers.securityadmin,
            depends_on=[self.databases.schemas, *access_ready]
            if self.databases.schemas is not None
            else access_ready,
        )
        self.role_grants = SnowflakeRoleGrants(
            self,
            "role_grants",
            roles=sf.roles,
            role_names=self.functional_roles.names,
            schema_access_fqn=self.schema_access.fqn,
            provider=self.providers.securityadmin,
            depends_on=[
                r
                for r in (self.functional_roles.roles, *self.schema_access.grants)
                if r is not None
            ],
        )
        self.network_policies = SnowflakeNetworkPolicies(
            self,
            "network_policies",
            policies=sf.network_policies,
            physical_name=physical(sf.network_policies),
            tier=tier.name,
            provider=self.providers.securityadmin,
        )
        self.service_users = SnowflakeServiceUsers(
            self,
            "service_users",
            users=sf.service_users,
            physical_name=physical(sf.service_users),
            role_names=self.functional_roles.names,
            warehouse_names=self.warehouses.names,
            tier=tier.name,
            provider=self.providers.securityadmin,
            depends_on=[
                r
                for r in (self.functional_roles.roles, *wh_ready, self.network_policies.policies)
                if r is not None
            ],
            network_policy_names=self.network_policies.names,
        )
        self.database_names = self.databases.names
        self.warehouse_names = self.warehouses.names
        self.role_names = self.functional_roles.names
        self.user_names = self.service_users.names
        self.release_dependencies: list[TerraformResource] = [
            r
            for r in (
                *wh_ready,
                self.databases.database,
                self.databases.schemas,
                *access_ready,
                self.functional_roles.roles,
                *self.functional_roles.grants,
                *self.schema_access.grants,
                *self.role_grants.grants,
                self.service_users.users,
            )
            if r is not None
        ]
