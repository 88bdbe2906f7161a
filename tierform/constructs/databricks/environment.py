"""One tier's whole Databricks environment, composed from the pieces in this package."""

from __future__ import annotations

from tierform.config import databricks_naming as naming
from tierform.config.protection import guards
from tierform.config.tier import TierSpec
from tierform.constructs.addresses import set_address_prefix
from tierform.constructs.databricks.catalog import UnityCatalog
from tierform.constructs.databricks.cluster_policies import ClusterPolicies
from tierform.constructs.databricks.git_folders import GitFolder
from tierform.constructs.databricks.grants import CatalogGrants
from tierform.constructs.databricks.jobs import DatabricksJobs
from tierform.constructs.databricks.permissions import access_entry
from tierform.constructs.databricks.provider import databricks_provider
from tierform.constructs.databricks.secret_scope import TierSecretScope
from tierform.constructs.databricks.service_principal import TierServicePrincipal
from tierform.constructs.databricks.sql_warehouses import SqlWarehouses
from tierform.constructs.framework import Construct, TerraformResource
from tierform.constructs.literal import literal_spec
from tierform.constructs.name_claims import claim_names
from tierform.constructs.props import DatabricksEnvironmentProps, environment_props


class DatabricksEnvironment(Construct):
    """Catalog and schemas with their grants, cluster policies, SQL warehouses, the tier's
    service principal and secret scope, and jobs from Git.

    Attributes: `catalog_name`, `schema_names` (logical → physical), `service_principal`
    (TierServicePrincipal), `warehouse_names`, `policy_names`, `job_names`, `git_ref`,
    `git_folder` (GitFolder or None; with it `git_folder_release_environment` and
    `git_folder_release_dependencies` for the Git folders release step), and
    `release_dependencies`: what a dbt release on Databricks must wait for.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        props: DatabricksEnvironmentProps | None = None,
        *,
        tier: TierSpec | None = None,
    ):
        super().__init__(scope, id)
        props = environment_props(DatabricksEnvironmentProps, props, tier)
        set_address_prefix(self, props.address_prefix)
        claim_names(self, props.tier_spec())
        self.props = props
        # Its tier's guardrails, unless a tier stack above carries them (a stack of one's own).
        from tierform.stacks.guardrails import guard_environment

        self.guardrails = guard_environment(self, props.tier_spec())
        tier = literal_spec(
            props.tier_spec()
        )  # config text becomes Terraform literals (see literal.py)
        dbx = tier.databricks
        if dbx is None:
            raise ValueError(f"tier {tier.name!r} has no databricks section")
        self.tier = tier
        self.provider = databricks_provider(self, dbx.workspace)
        self.catalog_name = naming.catalog_name(tier)
        self.schema_names = {s: naming.schema_name(tier, s) for s in dbx.catalog.schemas}

        self.service_principal = TierServicePrincipal(
            self,
            "service_principal",
            spec=dbx.service_principal,
            display_name=naming.object_name(tier, dbx.service_principal.name),
            tier=tier.name,
            provider=self.provider,
        )
        sp_name = dbx.service_principal.name
        sp_id = self.service_principal.application_id
        principal_ids = {g: g for g in dbx.groups} | {sp_name: sp_id}
        sp_ready: list[TerraformResource] = [self.service_principal.resource]

        def entries(access: dict[str, str], *, sp_can_use: bool = True) -> list[dict[str, str]]:
            listed = [
                access_entry(principal_ids[p], lvl, service_principal=p == sp_name)
                for p, lvl in sorted(access.items())
            ]
            if sp_can_use and sp_name not in access:  # the tier's jobs and deploys run as it
                listed.append(access_entry(sp_id, "CAN_USE", service_principal=True))
            return listed

        self.catalog = UnityCatalog(
            self,
            "catalog",
            spec=dbx.catalog,
            catalog_name=self.catalog_name,
            schema_names=self.schema_names,
            tier=tier.name,
            # per block: a `retire:` entry lifts prevent_destroy from its block only
            protected=guards(tier, "databricks.catalog"),
            protected_schemas=guards(tier, "databricks.schemas"),
            workspace_id=dbx.workspace.id,
            provider=self.provider,
        )
        # Developers owning a sandbox schema here need USE_CATALOG; it is granted in this
        # stack because catalog grants are authoritative (sandbox stacks must not touch them).
        developers = [d.databricks_user for d in tier.developers if d.databricks_user]
        self.grants = CatalogGrants(
            self,
            "grants",
            spec=dbx.catalog,
            catalog_name=self.catalog_name,
            schema_names=self.schema_names,
            principal_ids=principal_ids,
            catalog_users=developers,
            provider=self.provider,
            depends_on=[*self.catalog.resources, *sp_ready],
        )
        tags = {**dbx.cost_tags, "tier": tier.name, "managed_by": "tierform"}
        self.policies = ClusterPolicies(
            self,
            "cluster_policies",
            policies=dbx.cluster_policies,
            physical_name={p: naming.object_name(tier, p) for p in dbx.cluster_policies},
            cost_tags=tags,
            tier=tier.name,
            access={
                p: entries(dict.fromkeys(spec.access, "CAN_USE"))
                for p, spec in dbx.cluster_policies.items()
            },
            provider=self.provider,
            depends_on=sp_ready,
        )
        self.warehouses = SqlWarehouses(
            self,
            "sql_warehouses",
            warehouses=dbx.sql_warehouses,
            physical_name={w: naming.object_name(tier, w) for w in dbx.sql_warehouses},
            cost_tags=tags,
            access={w: entries(spec.access) for w, spec in dbx.sql_warehouses.items()},
            provider=self.provider,
            depends_on=sp_ready,
        )
        self.secret_scope = None
        if dbx.secret_scope is not None:
            self.secret_scope = TierSecretScope(
                self,
                "secret_scope",
                spec=dbx.secret_scope,
                name=naming.object_name(tier, dbx.secret_scope.name),
                principal_ids=principal_ids,
                provider=self.provider,
                depends_on=sp_ready,
            )
        self.git_ref = naming.git_ref(tier)
        self.jobs = None
        if dbx.jobs:
            assert dbx.git is not None  # enforced by config validation
            self.jobs = DatabricksJobs(
                self,
                "jobs",
                jobs=dbx.jobs,
                job_names={j: naming.job_name(tier, j) for j in dbx.jobs},
                git=dbx.git,
                git_ref=self.git_ref,
                paused_by_default=tier.kind != "prod",
                run_as=sp_id,
                catalog_name=self.catalog_name,
                schema_names=self.schema_names,
                policy_ids=self.policies.ids,
                spark_versions={p: s.spark_version for p, s in dbx.cluster_policies.items()},
                warehouse_ids=self.warehouses.ids,
                tags=tags,
                access={j: entries(spec.access, sp_can_use=False) for j, spec in dbx.jobs.items()},
                provider=self.provider,
                depends_on=[
                    r
                    for r in (
                        self.policies.permissions,
                        self.warehouses.permissions,
                        self.grants.catalog_grants,
                        self.grants.schema_grants,
                    )
                    if r is not None
                ],
            )
        self.git_folder = None
        self.git_folder_release_environment: dict[str, str] = {}
        self.git_folder_release_dependencies: list[TerraformResource] = []
        if dbx.git_folders is not None:
            assert dbx.git is not None  # enforced by config validation
            self.git_folder = GitFolder(
                self,
                "git_folder",
                git=dbx.git,
                path=naming.tier_git_folder_path(tier),
                ref=naming.git_folder_ref(tier),
                sparse_checkout=dbx.git_folders.sparse_checkout,
                provider=self.provider,
                address="git_folder",
            )
            # The Git folders release step (TierStack): the folder's id, the commit the jobs
            # run when CD supplies it; it runs after the folder and the jobs exist.
            self.git_folder_release_environment = {
                naming.GIT_FOLDER_ID_ENV: self.git_folder.repo.id,
            }
            self.git_folder_release_dependencies = [self.git_folder.repo]
            if self.jobs is not None:
                self.git_folder_release_dependencies.append(self.jobs.jobs)
                if self.jobs.git_variable is not None:
                    self.git_folder_release_environment[naming.JOBS_COMMIT_ENV] = (
                        self.jobs.git_variable.string_value
                    )
        self.warehouse_names = self.warehouses.names
        self.policy_names = self.policies.names
        self.job_names = self.jobs.names if self.jobs else {}
        self.release_dependencies: list[TerraformResource] = [
            r
            for r in (
                *self.catalog.resources,
                self.grants.catalog_grants,
                self.grants.schema_grants,
                self.warehouses.warehouses,
                self.warehouses.permissions,
                self.service_principal.resource,
            )
            if r is not None
        ]
