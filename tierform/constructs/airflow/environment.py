"""One tier's Airflow environment, whatever the flavor, behind one interface."""

from __future__ import annotations

from cdktf import TerraformResource
from constructs import Construct

from tierform.config.airflow import DagTarget
from tierform.config.tier import TierSpec


class AirflowEnvironment(Construct):
    """Attributes the release step uses:

    - `dag_target`: where DAGs are published, the environment's name/URL, and the names of
      the credentials the publisher needs (DagTarget, computed from config);
    - `release_dependencies`: resources the DAG release must wait for (none for `local`).
    """

    def __init__(self, scope: Construct, id: str, *, tier: TierSpec):
        super().__init__(scope, id)
        if tier.airflow is None:
            raise ValueError(f"tier {tier.name!r} has no airflow section")
        self.dag_target: DagTarget = tier.airflow.dag_target(tier.name)
        self.release_dependencies: list[TerraformResource] = []
        # flavor "local": no cloud resources; the DAGs folder is created by the release.
