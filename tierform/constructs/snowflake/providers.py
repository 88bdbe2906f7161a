"""Snowflake provider blocks: one alias per role, because one provider block acts as one role."""

from __future__ import annotations

from cdktf_cdktf_provider_snowflake.provider import SnowflakeProvider
from constructs import Construct

from tierform.config.snowflake import SnowflakeConnection


class SnowflakeProviders(Construct):
    """SYSADMIN creates objects, SECURITYADMIN owns roles, grants and users, ACCOUNTADMIN
    (only when asked for) creates resource monitors, which no other role can. The role names
    come from the tier's `connection.roles`; the aliases (and so every resource's provider
    reference) stay the same whatever the roles are called.

    Credentials are never set here: the provider reads SNOWFLAKE_USER, SNOWFLAKE_PRIVATE_KEY,
    SNOWFLAKE_AUTHENTICATOR… from the environment at plan/apply time.
    """

    def __init__(
        self, scope: Construct, id: str, *, connection: SnowflakeConnection, accountadmin: bool
    ):
        super().__init__(scope, id)
        roles = connection.roles
        self.sysadmin = self._provider("sysadmin", roles.objects, connection)
        self.securityadmin = self._provider("securityadmin", roles.security, connection)
        self.accountadmin = (
            self._provider("accountadmin", roles.account, connection) if accountadmin else None
        )

    def _provider(
        self, alias: str, role: str, connection: SnowflakeConnection
    ) -> SnowflakeProvider:
        return SnowflakeProvider(
            self,
            alias,
            alias=alias,
            organization_name=connection.organization_name,
            account_name=connection.account_name,
            role=role,
        )
