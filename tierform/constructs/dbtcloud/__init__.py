"""dbt Cloud for one tier (`release.dbt.runner: dbt_cloud`), through the dbt-labs/dbtcloud
provider as typed models for tierform.constructs.tfgeneric (no prebuilt cdktf binding)."""

from tierform.constructs.dbtcloud.environment import DbtCloudEnvironment

__all__ = ["DbtCloudEnvironment"]
