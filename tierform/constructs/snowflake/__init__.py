"""Snowflake constructs. Importing this package imports the Snowflake provider's assembly and
the submodules Tierform uses (provider_packages.py)."""

from tierform.constructs.snowflake.environment import SnowflakeEnvironment
from tierform.constructs.snowflake.sandbox import SnowflakeSandbox

__all__ = ["SnowflakeEnvironment", "SnowflakeSandbox"]
