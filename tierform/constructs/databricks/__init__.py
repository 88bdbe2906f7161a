"""Databricks constructs. Importing this package imports the Databricks provider (~6 s)."""

from tierform.constructs.databricks.environment import DatabricksEnvironment
from tierform.constructs.databricks.sandbox import DatabricksSandbox

__all__ = ["DatabricksEnvironment", "DatabricksSandbox"]
