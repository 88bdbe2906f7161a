"""Snowflake constructs. Importing this package imports the Snowflake provider (~4.5 s)."""

from tierform.constructs.snowflake.environment import SnowflakeEnvironment
from tierform.constructs.snowflake.sandbox import SnowflakeSandbox

__all__ = ["SnowflakeEnvironment", "SnowflakeSandbox"]
