"""Snowflake provider blocks: one alias per role, because one provider block acts as one role."""

from __future__ import annotations

from tierform.config.snowflake import SnowflakeConnection
from tierform.config.snowflake_roles import ProviderRolesSpec
from tierform.constructs.addresses import claim_provider, provider_alias
from tierform.constructs.framework import Construct
from tierform.constructs.snowflake.bindings import SnowflakeProvider


class SnowflakeProviders(Construct):
    """`sysadmin` creates objects, `securityadmin` owns roles, grants and users,
    `accountadmin` (only when asked for) creates resource monitors. The aliases keep these
    names (stable provider addresses); the roles they act as come from
    `snowflake.provider_roles` (default SYSADMIN, SECURITYADMIN, ACCOUNTADMIN).

    Credentials are never set here: the provider reads SNOWFLAKE_USER, SNOWFLAKE_PRIVATE_KEY,
    SNOWFLAKE_AUTHENTICATOR… from the environment at plan/apply time.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        connection: SnowflakeConnection,
        accountadmin: bool,
        roles: ProviderRolesSpec | None = None,
    ):
        super().__init__(scope, id)
        roles = roles or ProviderRolesSpec()
        self.sysadmin = self._provider("sysadmin", roles.objects, connection)
        self.securityadmin = self._provider("securityadmin", roles.security, connection)
        self.accountadmin = (
            self._provider("accountadmin", roles.account, connection) if accountadmin else None
        )

    def _provider(
        self, alias: str, role: str, connection: SnowflakeConnection
    ) -> SnowflakeProvider:
        provider = SnowflakeProvider(
            self,
            alias,
            alias=provider_alias(self, alias),
            organization_name=connection.organization_name,
            account_name=connection.account_name,
            role=role,
        )
        claim_provider(provider, "snowflake", provider.alias)
        return provider
