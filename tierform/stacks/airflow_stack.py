"""A stack holding only one tier's Airflow environment.

Why: a tier's stack also holds Snowflake (and Databricks), whose provider binaries may be
unavailable (air-gapped CI, this project's test machines). This stack lets the Airflow part
alone be `terraform init`ed, validated against the real AWS provider schema, and scanned by
the policy gate.
"""

from __future__ import annotations

from tierform.config.dag_target import AirflowInstallFiles
from tierform.config.tier import TierSpec
from tierform.constructs.addresses import stack_constructor
from tierform.constructs.airflow import AirflowEnvironment
from tierform.constructs.framework import Construct, TerraformStack
from tierform.constructs.props import AirflowEnvironmentProps


class AirflowOnlyStack(TerraformStack):
    """Stack `<tier>-airflow` (no backend: local state). Attributes: `tier`, `airflow`."""

    @stack_constructor
    def __init__(
        self,
        scope: Construct,
        tier: TierSpec,
        *,
        name: str | None = None,
        files: AirflowInstallFiles | None = None,
    ):
        super().__init__(scope, name or f"{tier.name}-airflow")
        self.tier = tier
        self.airflow = AirflowEnvironment(
            self, "airflow", AirflowEnvironmentProps.from_tier(tier), files=files
        )
