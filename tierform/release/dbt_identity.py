"""Who the dbt release signs in to Snowflake as: the tier's own dbt service user.

The release step runs inside `terraform apply`, whose environment holds the *deploying*
identity (SNOWFLAKE_USER / SNOWFLAKE_PRIVATE_KEY of the provider). dbt must not build as
that identity: it runs as the tier's dbt service user (`release.dbt.service_user`, default
the service user named DBT), whose key pair is its own. The mapping, one definition used by
the release CLI and by `tierform inputs`:

    SNOWFLAKE_USER                   ← the service user's physical name (naming rule: DBT_PROD)
    SNOWFLAKE_PRIVATE_KEY            ← $SNOWFLAKE_<USER>_PRIVATE_KEY            (a secret)
    SNOWFLAKE_PRIVATE_KEY_PASSPHRASE ← $SNOWFLAKE_<USER>_PRIVATE_KEY_PASSPHRASE (optional)
    SNOWFLAKE_ACCOUNT                ← <organization_name>-<account_name> from the tier's config

so the profile's `env_var('SNOWFLAKE_USER')` etc. see the service user, whatever the
deploying job exported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tierform.config.release import DEFAULT_DBT_USER
from tierform.config.tier import TierSpec

# The variables the release sets for dbt: the profile may read them, no job has to.
PROVIDED = (
    "SNOWFLAKE_ACCOUNT",
    "SNOWFLAKE_USER",
    "SNOWFLAKE_PRIVATE_KEY",
    "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE",
)


class IdentityError(RuntimeError):
    """The dbt service user's key is not in the environment."""


@dataclass(frozen=True)
class DbtIdentity:
    logical: str  # DBT
    user: str  # DBT_PROD
    account: str  # NORTHWIND-ANALYTICS

    @property
    def key_variable(self) -> str:
        return f"SNOWFLAKE_{self.logical}_PRIVATE_KEY"

    @property
    def passphrase_variable(self) -> str:
        return f"SNOWFLAKE_{self.logical}_PRIVATE_KEY_PASSPHRASE"

    def environment(self, environ: Mapping[str, str]) -> dict[str, str]:
        """What to set for dbt, from the job's environment; raises when the key is missing."""
        key = environ.get(self.key_variable)
        if not key:
            raise IdentityError(
                f"{self.key_variable} is not set: the dbt release signs in as {self.user} "
                f"with its own private key (GitHub secret {self.key_variable})"
            )
        return {
            "SNOWFLAKE_ACCOUNT": self.account,
            "SNOWFLAKE_USER": self.user,
            "SNOWFLAKE_PRIVATE_KEY": key,
            # Never the deploying identity's passphrase: the service user's, or none.
            "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": environ.get(self.passphrase_variable, ""),
        }


def dbt_identity(tier: TierSpec) -> DbtIdentity | None:
    """The tier's dbt service user, or None when the tier has no Snowflake or no such user
    (then dbt runs with the environment as it is, e.g. the local DuckDB target)."""
    sf = tier.snowflake
    if sf is None:
        return None
    logical = tier.release.dbt.service_user or DEFAULT_DBT_USER
    if logical not in sf.service_users:
        return None
    return DbtIdentity(
        logical=logical,
        user=tier.object_name(logical),
        account=f"{sf.connection.organization_name}-{sf.connection.account_name}",
    )
