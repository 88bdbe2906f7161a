"""Which Snowflake role each provider alias of a tier acts as.

One provider block acts as one role, so a tier's stack has three aliases: `objects` creates
databases, schemas and warehouses; `security` creates roles, users and grants; `account`
creates the resource monitor (Snowflake lets only ACCOUNTADMIN do that). The defaults are
Snowflake's system roles; an account that delegates to custom roles (e.g. a TIERFORM_DEPLOY
role granted what SYSADMIN would do) names them here, per tier, inherited like any setting.
"""

from __future__ import annotations

from tierform.config.base import Identifier, Spec


class ProviderRolesSpec(Spec):
    objects: Identifier = "SYSADMIN"
    security: Identifier = "SECURITYADMIN"
    account: Identifier = "ACCOUNTADMIN"
