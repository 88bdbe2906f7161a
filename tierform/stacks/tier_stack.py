"""The stack of one tier: its backend, its environments, and its release steps."""

from __future__ import annotations

from tierform.config.databricks_naming import GIT_FOLDER_ID_ENV, JOBS_COMMIT_ENV
from tierform.config.dbt_cloud_resolve import DbtCloudEnvironmentSpec
from tierform.config.tier import TierSpec
from tierform.constructs.addresses import stack_constructor
from tierform.constructs.framework import Construct, TerraformStack
from tierform.constructs.literal import literal_spec
from tierform.constructs.props import (
    ROOT_FALLBACK,
    AirflowEnvironmentProps,
    DatabricksEnvironmentProps,
    ReleaseStepProps,
    SnowflakeEnvironmentProps,
)
from tierform.release.triggers import StepTriggers
from tierform.stacks import guardrails
from tierform.stacks.backends import add_backend
from tierform.stacks.guardrails import attach


class TierStack(TerraformStack):
    """Stack `<tier>`. Provider packages are imported only when the tier uses them, so a
    `local` tier synthesizes (and `terraform init`s) without any provider at all.

    Attributes: `tier`, `snowflake` (SnowflakeEnvironment or None), `databricks`
    (DatabricksEnvironment or None), `airflow` (AirflowEnvironment or None),
    `dbt_cloud` (DbtCloudEnvironment or None), `release_dbt` / `release_dags` /
    `release_git_folders` (ReleaseStep or None).

    `release` holds the release steps' triggers (content hashes computed from the
    repository by the caller; a construct reads no files). The dbt step waits for what the
    dbt target builds in: on Snowflake the tier's warehouses, databases, roles and service
    users, on Databricks its catalog, schemas, grants, SQL warehouses and service principal
    (both when the adapter is not known); the DAG step waits for the dbt
    step and the Airflow environment, so one apply goes infra → dbt → DAGs. The Git folders
    step waits for the tier's Git folder and jobs only: it checks the folder out at the code
    the jobs run, which neither the dbt build nor the DAGs change, so it need not wait for
    them (nor they for it), and a failed dbt build still leaves the folder current.

    `release_root`: the repository root seen from the stack's output folder, where the steps'
    local-exec runs (`constructs/release/step.py`, `stack_root`) and a local backend's state
    path starts; the default fits cdktf.out. `state_root`: where that state path starts
    when it differs (an output folder outside the root: the root itself, absolute).
    `release_config`: the configuration folder
    relative to that root, which the steps then load at apply whatever TIERFORM_CONFIG the
    applying shell has (None: they read TIERFORM_CONFIG, default `config`).

    `dbt_cloud`: the tier's resolved dbt Cloud settings when dbt Cloud runs its dbt release
    (PlatformConfig.dbt_cloud_environment); the dbt step then also waits for the dbt Cloud
    environment and jobs, and gets their ids in its environment.
    """

    @stack_constructor
    def __init__(
        self,
        scope: Construct,
        tier: TierSpec,
        *,
        release: StepTriggers | None = None,
        dbt_cloud: DbtCloudEnvironmentSpec | None = None,
        release_root: str = ROOT_FALLBACK,
        release_config: str | None = None,
        state_root: str | None = None,
    ):
        super().__init__(scope, tier.name)
        # Backend settings are read by Terraform as plain strings: they get the raw spec.
        add_backend(self, tier.name, tier.backend, root=state_root or release_root)
        # Everything else sees config text as Terraform literals (tierform/constructs/literal.py).
        self.tier = tier = literal_spec(tier)
        self.guardrails = guardrails.for_tier(tier)
        attach(self, self.guardrails)
        self.snowflake = None
        if tier.snowflake is not None:
            from tierform.constructs.snowflake import SnowflakeEnvironment

            self.snowflake = SnowflakeEnvironment(
                self, "snowflake", SnowflakeEnvironmentProps.from_tier(tier)
            )
        self.databricks = None
        if tier.databricks is not None:
            from tierform.constructs.databricks import DatabricksEnvironment

            self.databricks = DatabricksEnvironment(
                self, "databricks", DatabricksEnvironmentProps.from_tier(tier)
            )
        self.airflow = None
        if tier.airflow is not None:
            from tierform.constructs.airflow import AirflowEnvironment

            self.airflow = AirflowEnvironment(
                self,
                "airflow",
                AirflowEnvironmentProps.from_tier(tier),
                files=(release or StepTriggers()).airflow_files,
            )
        self.dbt_cloud = None
        if dbt_cloud is not None:
            from tierform.constructs.dbtcloud import DbtCloudEnvironment

            self.dbt_cloud = DbtCloudEnvironment(
                self,
                "dbt_cloud",
                spec=dbt_cloud,
                warehouse_ids=self.databricks.warehouses.ids if self.databricks else None,
            )
        self._release_root = release_root
        self._release_config = release_config
        self._add_release_steps(release or StepTriggers())

    def _add_release_steps(self, release: StepTriggers) -> None:
        self.release_dbt = None
        self.release_dags = None
        self.release_git_folders = None
        if release.dbt is None and release.dags is None and release.git_folders is None:
            return
        from tierform.constructs.release import ReleaseStep

        if release.git_folders is not None and self.databricks is not None:
            environment = self.databricks.git_folder_release_environment
            references = {"folder_id": environment[GIT_FOLDER_ID_ENV]}
            if JOBS_COMMIT_ENV in environment:  # the commit CD deploys: a new one refreshes
                references["jobs_commit"] = environment[JOBS_COMMIT_ENV]
            self.release_git_folders = ReleaseStep(
                self,
                "release_git_folders",
                ReleaseStepProps(
                    step="git-folders",
                    tier=self.tier.name,
                    triggers=dict(release.git_folders),
                    trigger_references=references,
                    environment=environment,
                    root=self._release_root,
                    config=self._release_config,
                ),
                depends_on=self.databricks.git_folder_release_dependencies,
            )

        if release.dbt is not None:
            before = self._dbt_dependencies(release.dbt_adapter)
            if self.dbt_cloud is not None:
                before = [*before, *self.dbt_cloud.release_dependencies]
            self.release_dbt = ReleaseStep(
                self,
                "release_dbt",
                ReleaseStepProps(
                    step="dbt",
                    tier=self.tier.name,
                    triggers=dict(release.dbt),
                    # the dbt Cloud environment, credential and job ids (dbt_cloud_step.py)
                    environment=self.dbt_cloud.release_environment if self.dbt_cloud else {},
                    root=self._release_root,
                    config=self._release_config,
                ),
                depends_on=before,
            )
        if release.dags is not None:
            after = [self.release_dbt.resource] if self.release_dbt else []
            after += self.airflow.release_dependencies if self.airflow else []
            self.release_dags = ReleaseStep(
                self,
                "release_dags",
                ReleaseStepProps(
                    step="dags",
                    tier=self.tier.name,
                    triggers=dict(release.dags),
                    # e.g. ASTRO_DEPLOYMENT_ID from the deployment this stack creates
                    environment=self.airflow.release_environment if self.airflow else {},
                    root=self._release_root,
                    config=self._release_config,
                ),
                depends_on=after,
            )

    def _dbt_dependencies(self, adapter: str | None) -> list:
        """What must exist before dbt builds: the environment of the target's adapter."""
        environments = {"snowflake": self.snowflake, "databricks": self.databricks}
        chosen = [environments[adapter]] if adapter in environments else []
        if adapter is None:
            chosen = list(environments.values())
        return [r for env in chosen if env is not None for r in env.release_dependencies]
