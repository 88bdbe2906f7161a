"""The stack of one tier: its backend, its environments, and (later) its release steps."""

from __future__ import annotations

from cdktf import Aspects, TerraformStack
from constructs import Construct

from tierform.config.tier import TierSpec
from tierform.stacks.backends import add_backend
from tierform.stacks.guardrails import GuardRails


class TierStack(TerraformStack):
    """Stack `<tier>`. Provider packages are imported only when the tier uses them, so a
    `local` tier synthesizes (and `terraform init`s) without any provider at all.

    Attributes: `tier`, `snowflake` (SnowflakeEnvironment or None), `databricks`
    (DatabricksEnvironment or None), `airflow` (AirflowEnvironment or None).
    """

    def __init__(self, scope: Construct, tier: TierSpec):
        super().__init__(scope, tier.name)
        self.tier = tier
        add_backend(self, tier.name, tier.backend)
        self.guardrails = GuardRails(
            tier=tier.name, protected=tier.is_protected, naming=tier.naming
        )
        Aspects.of(self).add(self.guardrails)
        self.snowflake = None
        if tier.snowflake is not None:
            from tierform.constructs.snowflake import SnowflakeEnvironment

            self.snowflake = SnowflakeEnvironment(self, "snowflake", tier=tier)
        self.databricks = None
        if tier.databricks is not None:
            from tierform.constructs.databricks import DatabricksEnvironment

            self.databricks = DatabricksEnvironment(self, "databricks", tier=tier)
        self.airflow = None
        if tier.airflow is not None:
            from tierform.constructs.airflow import AirflowEnvironment

            self.airflow = AirflowEnvironment(self, "airflow", tier=tier)
