"""The Snowflake provider seam: every class of the Snowflake provider package Tierform uses
is imported here, from cdktf's prebuilt package (cdktf_cdktf_provider_snowflake) or CDK Terrain's
(cdktn_provider_snowflake), whichever framework tierform.constructs.framework chose. Only tiers with
a `snowflake:` section import this module (the package costs seconds to import).

A new construct imports provider classes from here; add them to both branches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tierform.constructs.framework import FRAMEWORK
from tierform.constructs.provider_packages import import_lazily

if TYPE_CHECKING or FRAMEWORK == "cdktf":
    # Only the submodules below, not the package's 150-250 (provider_packages.py says why).
    import_lazily("cdktf_cdktf_provider_snowflake")
    from cdktf_cdktf_provider_snowflake.account_role import (
        AccountRole,
    )
    from cdktf_cdktf_provider_snowflake.database import (
        Database,
    )
    from cdktf_cdktf_provider_snowflake.database_role import (
        DatabaseRole,
    )
    from cdktf_cdktf_provider_snowflake.grant_account_role import (
        GrantAccountRole,
    )
    from cdktf_cdktf_provider_snowflake.grant_database_role import (
        GrantDatabaseRole,
    )
    from cdktf_cdktf_provider_snowflake.grant_ownership import (
        GrantOwnership,
        GrantOwnershipOn,
    )
    from cdktf_cdktf_provider_snowflake.grant_privileges_to_account_role import (
        GrantPrivilegesToAccountRole,
        GrantPrivilegesToAccountRoleOnAccountObject,
    )
    from cdktf_cdktf_provider_snowflake.grant_privileges_to_database_role import (
        GrantPrivilegesToDatabaseRole,
        GrantPrivilegesToDatabaseRoleOnSchema,
        GrantPrivilegesToDatabaseRoleOnSchemaObject,
        GrantPrivilegesToDatabaseRoleOnSchemaObjectAll,
        GrantPrivilegesToDatabaseRoleOnSchemaObjectFuture,
    )
    from cdktf_cdktf_provider_snowflake.network_policy import (
        NetworkPolicy,
    )
    from cdktf_cdktf_provider_snowflake.provider import (
        SnowflakeProvider,
    )
    from cdktf_cdktf_provider_snowflake.resource_monitor import (
        ResourceMonitor,
    )
    from cdktf_cdktf_provider_snowflake.schema import (
        Schema,
    )
    from cdktf_cdktf_provider_snowflake.service_user import (
        ServiceUser,
    )
    from cdktf_cdktf_provider_snowflake.warehouse import (
        Warehouse,
    )
else:
    from cdktn_provider_snowflake.account_role import (
        AccountRole,
    )
    from cdktn_provider_snowflake.database import (
        Database,
    )
    from cdktn_provider_snowflake.database_role import (
        DatabaseRole,
    )
    from cdktn_provider_snowflake.grant_account_role import (
        GrantAccountRole,
    )
    from cdktn_provider_snowflake.grant_database_role import (
        GrantDatabaseRole,
    )
    from cdktn_provider_snowflake.grant_ownership import (
        GrantOwnership,
        GrantOwnershipOn,
    )
    from cdktn_provider_snowflake.grant_privileges_to_account_role import (
        GrantPrivilegesToAccountRole,
        GrantPrivilegesToAccountRoleOnAccountObject,
    )
    from cdktn_provider_snowflake.grant_privileges_to_database_role import (
        GrantPrivilegesToDatabaseRole,
        GrantPrivilegesToDatabaseRoleOnSchema,
        GrantPrivilegesToDatabaseRoleOnSchemaObject,
        GrantPrivilegesToDatabaseRoleOnSchemaObjectAll,
        GrantPrivilegesToDatabaseRoleOnSchemaObjectFuture,
    )
    from cdktn_provider_snowflake.network_policy import (
        NetworkPolicy,
    )
    from cdktn_provider_snowflake.provider import (
        SnowflakeProvider,
    )
    from cdktn_provider_snowflake.resource_monitor import (
        ResourceMonitor,
    )
    from cdktn_provider_snowflake.schema import (
        Schema,
    )
    from cdktn_provider_snowflake.service_user import (
        ServiceUser,
    )
    from cdktn_provider_snowflake.warehouse import (
        Warehouse,
    )

__all__ = [
    "AccountRole",
    "Database",
    "DatabaseRole",
    "GrantAccountRole",
    "GrantDatabaseRole",
    "GrantOwnership",
    "GrantOwnershipOn",
    "GrantPrivilegesToAccountRole",
    "GrantPrivilegesToAccountRoleOnAccountObject",
    "GrantPrivilegesToDatabaseRole",
    "GrantPrivilegesToDatabaseRoleOnSchema",
    "GrantPrivilegesToDatabaseRoleOnSchemaObject",
    "GrantPrivilegesToDatabaseRoleOnSchemaObjectAll",
    "GrantPrivilegesToDatabaseRoleOnSchemaObjectFuture",
    "NetworkPolicy",
    "ResourceMonitor",
    "Schema",
    "ServiceUser",
    "SnowflakeProvider",
    "Warehouse",
]
