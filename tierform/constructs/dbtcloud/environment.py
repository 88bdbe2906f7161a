"""dbt Cloud for one tier: its connection, credential, deployment environment, deploy job
and (for data CI targets) CI job, in the one dbt Cloud project the platform names.

Secrets never reach Terraform: the credential's secret attribute (Snowflake `private_key`,
Databricks `token`) is left out (or, where the provider requires it, a placeholder) and
in `ignore_changes`; the dbt release step sets it through dbt Cloud's API from the
deploying environment before it triggers the deploy job (DbtCloudStep.secret_env).
"""

from __future__ import annotations

from collections.abc import Mapping

from tierform.config.dbt_cloud_resolve import SECRET_ATTRIBUTE, DbtCloudEnvironmentSpec
from tierform.config.dbt_cloud_step import (
    CI_JOB_ENV,
    CREDENTIAL_ENV,
    DEPLOY_JOB_ENV,
    ENVIRONMENT_ENV,
)
from tierform.constructs.addresses import stable_address
from tierform.constructs.dbtcloud.models import (
    DatabricksConnection,
    DatabricksCredential,
    DbtCloudProvider,
    Environment,
    GlobalConnection,
    Job,
    JobTriggers,
    SnowflakeConnection,
    SnowflakeCredential,
)
from tierform.constructs.framework import (
    Construct,
    TerraformOutput,
    TerraformResource,
    TerraformResourceLifecycle,
)
from tierform.constructs.literal import literal_spec
from tierform.constructs.tfgeneric import TypedProvider, TypedResource
from tierform.policy.checkov_checks.tierform_dbt_cloud_secrets import (
    CREDENTIAL_SECRETS,
    DATABRICKS_TOKEN_PLACEHOLDER,
)

_OFF = {
    "github_webhook": False,
    "git_provider_webhook": False,
    "schedule": False,
    "on_merge": False,
}


class DbtCloudEnvironment(Construct):
    """`dbtcloud_global_connection.dbt`, `dbtcloud_<type>_credential.dbt`,
    `dbtcloud_environment.dbt`, `dbtcloud_job.deploy` and, with a CI job, `dbtcloud_job.ci`.

    `warehouse_ids`: Databricks SQL warehouse ids (logical → reference) of the tier's
    DatabricksEnvironment, for the connection's HTTP path.
    Attributes: `provider`, `environment`, `credential`, `deploy_job`, `ci_job`,
    `release_environment` (what the dbt release step must get: the ids, names from
    tierform/config/dbt_cloud_step.py), `release_dependencies`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        spec: DbtCloudEnvironmentSpec,
        warehouse_ids: Mapping[str, str] | None = None,
    ):
        super().__init__(scope, id)
        spec = literal_spec(spec)  # config text reaches Terraform as literals
        self.spec = spec
        self.provider = TypedProvider(
            self, "dbtcloud", DbtCloudProvider(account_id=spec.account_id, host_url=spec.api_url)
        )
        kind = spec.connection_type
        connection = TypedResource(
            self,
            "connection",
            GlobalConnection(
                name=f"{spec.environment_name} ({spec.tier}, {kind})",
                snowflake=_snowflake_connection(spec),
                databricks=_databricks_connection(spec, warehouse_ids or {}),
            ),
            provider=self.provider,
            address="dbt",
        )
        self.credential = _credential(self, spec)
        self.environment = TypedResource(
            self,
            "environment",
            Environment(
                project_id=spec.project_id,
                name=spec.environment_name,
                type="deployment",
                deployment_type=spec.deployment_type,
                dbt_version=spec.dbt_version,
                connection_id=connection.ref("id"),
                credential_id=self.credential.ref("credential_id"),
            ),
            provider=self.provider,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True) if spec.protected else None,
            address="dbt",
        )
        environment_id = self.environment.ref("environment_id")
        deploy = spec.deploy_job
        # Tierform triggers the deploy job for the commit it deploys (the release step):
        # no schedule, webhook or merge trigger may start a deploy behind the release.
        self.deploy_job = TypedResource(
            self,
            "deploy_job",
            Job(
                project_id=spec.project_id,
                environment_id=environment_id,
                name=deploy.name,
                description=f"dbt release of tier {spec.tier}, triggered by Tierform",
                execute_steps=deploy.commands,
                triggers=JobTriggers(**_OFF),
                num_threads=deploy.threads,
                target_name=spec.target_name,
                generate_docs=deploy.generate_docs,
            ),
            provider=self.provider,
            address="deploy",
        )
        self.ci_job = None
        if spec.ci_job is not None:
            ci = spec.ci_job
            webhook = "github_webhook" if spec.git_provider == "github" else "git_provider_webhook"
            # dbt Cloud's own "run on pull request": builds what the PR changed, deferring
            # to this tier's environment (the deploy job's last run) for the rest.
            self.ci_job = TypedResource(
                self,
                "ci_job",
                Job(
                    project_id=spec.project_id,
                    environment_id=environment_id,
                    name=ci.name,
                    description=f"pull request CI deferring to tier {spec.tier}, managed by Tierform",
                    execute_steps=ci.commands,
                    triggers=JobTriggers(**{**_OFF, webhook: True}),
                    num_threads=ci.threads,
                    target_name=spec.target_name,
                    generate_docs=ci.generate_docs,
                    job_type="ci",
                    deferring_environment_id=environment_id,
                    triggers_on_draft_pr=spec.ci_draft_pull_requests,
                ),
                provider=self.provider,
                address="ci",
            )
        self.release_environment: dict[str, str] = {
            ENVIRONMENT_ENV: environment_id,
            DEPLOY_JOB_ENV: self.deploy_job.ref("job_id"),
            CREDENTIAL_ENV: self.credential.ref("credential_id"),
        }
        if self.ci_job is not None:
            self.release_environment[CI_JOB_ENV] = self.ci_job.ref("job_id")
        self.release_dependencies: list[TerraformResource] = [
            self.environment,
            self.deploy_job,
            *([self.ci_job] if self.ci_job is not None else []),
        ]
        outputs = {
            "dbt_cloud_environment_id": environment_id,
            "dbt_cloud_deploy_job_id": self.deploy_job.ref("job_id"),
        }
        if self.ci_job is not None:
            outputs["dbt_cloud_ci_job_id"] = self.ci_job.ref("job_id")
        for name, value in outputs.items():
            stable_address(TerraformOutput(self, name, value=value), name)


def _snowflake_connection(spec: DbtCloudEnvironmentSpec) -> SnowflakeConnection | None:
    sf = spec.snowflake
    if sf is None:
        return None
    return SnowflakeConnection(
        account=sf.account, database=sf.database, warehouse=sf.warehouse, role=sf.role
    )


def _databricks_connection(
    spec: DbtCloudEnvironmentSpec, warehouse_ids: Mapping[str, str]
) -> DatabricksConnection | None:
    dbx = spec.databricks
    if dbx is None:
        return None
    return DatabricksConnection(
        host=dbx.host,
        http_path=f"/sql/1.0/warehouses/{warehouse_ids[dbx.warehouse]}",
        catalog=dbx.catalog,
    )


def _credential(scope: Construct, spec: DbtCloudEnvironmentSpec) -> TypedResource:
    if spec.snowflake is not None:
        sf = spec.snowflake
        model: SnowflakeCredential | DatabricksCredential = SnowflakeCredential(
            project_id=spec.project_id,
            auth_type="keypair",
            num_threads=spec.deploy_job.threads,
            user=sf.user,
            schema=sf.target_schema,
            database=sf.database,
            role=sf.role,
            warehouse=sf.warehouse,
        )
    else:
        dbx = spec.databricks
        assert dbx is not None
        model = DatabricksCredential(
            project_id=spec.project_id,
            adapter_type="databricks",
            schema=dbx.target_schema,
            catalog=dbx.catalog,
            token=DATABRICKS_TOKEN_PLACEHOLDER,
        )
    secrets = list(CREDENTIAL_SECRETS[model.terraform_type])
    assert SECRET_ATTRIBUTE[spec.connection_type] in secrets
    return TypedResource(
        scope,
        "credential",
        model,
        provider=scope.provider,
        # The secret is set by the release step through the API, never from Terraform.
        lifecycle=TerraformResourceLifecycle(ignore_changes=secrets),
        address="dbt",
    )
