"""Databricks part of a tier: workspace, Unity Catalog, compute guardrails, identity, jobs.

Names: Unity Catalog stores catalog and schema names in lower case, so physical names are
the tier naming rule's result in lower case (NORTHWIND → northwind_prod); writing them
upper-case would show a perpetual diff. Cross-field checks live in databricks_checks.py.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from tierform.config.base import Identifier, Spec, names_list_to_map
from tierform.config.databricks_jobs import (
    AutoscaleSpec,
    NotificationsSpec,
    ParameterName,
    PythonWheelTaskSpec,
    RetrySpec,
    SparkPythonTaskSpec,
    SparkVersion,
)
from tierform.config.error_format import shorten
from tierform.config.quartz import cron_problem, timezone_problem
from tierform.config.snowflake import AccessLevel

# What the git_source block accepts (Databricks Jobs API `git_provider`).
GitProvider = Literal[
    "gitHub",
    "gitHubEnterprise",
    "gitLab",
    "gitLabEnterpriseEdition",
    "bitbucketCloud",
    "bitbucketServer",
    "azureDevOpsServices",
    "awsCodeCommit",
]
WarehouseSize = Literal[
    "2X-Small", "X-Small", "Small", "Medium", "Large", "X-Large", "2X-Large", "3X-Large", "4X-Large"
]
WarehousePermission = Literal["CAN_USE", "CAN_MONITOR", "CAN_MANAGE", "CAN_VIEW"]
JobPermission = Literal["CAN_VIEW", "CAN_MANAGE_RUN", "CAN_MANAGE"]
SecretPermission = Literal["READ", "WRITE", "MANAGE"]

# Node type ids per cloud: AWS i3.xlarge / m5d.2xlarge, Azure Standard_DS3_v2, GCP n2-highmem-4.
_NODE_TYPE = re.compile(
    r"^(?:[a-z][a-z0-9-]*\.(?:nano|micro|small|medium|large|metal|[0-9]*xlarge)"
    r"|Standard_[A-Za-z0-9_]+"
    r"|[a-z][a-z0-9]*-[a-z]+-[0-9]+[a-z]*(?:-lssd)?)$"
)
_COMMIT = re.compile(r"^[0-9a-f]{7,40}$")
_HOST = re.compile(r"^https://[A-Za-z0-9.-]+(?::[0-9]+)?/?$")


def _check_node_type(value: str) -> str:
    if not _NODE_TYPE.fullmatch(value):
        raise ValueError(
            f"{shorten(value)} is not a node type id: expected e.g. i3.xlarge (AWS), "
            "Standard_DS3_v2 (Azure) or n2-highmem-4 (GCP)"
        )
    return value


NodeType = Annotated[str, AfterValidator(_check_node_type)]


def _unique(names: list[str]) -> list[str]:
    for name in names:
        if names.count(name) > 1:
            raise ValueError(f"{shorten(name)} is listed twice")
    return names


class WorkspaceSpec(Spec):
    """The tier's workspace. Credentials come only from DATABRICKS_* variables
    (DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET, or DATABRICKS_TOKEN)."""

    host: str
    # The numeric workspace id; needed only to bind the catalog to this workspace.
    id: int | None = Field(default=None, ge=1)

    @field_validator("host")
    @classmethod
    def _https_url(cls, host: str) -> str:
        if not _HOST.fullmatch(host):
            raise ValueError(
                f"{shorten(host)} is not a workspace URL: expected https://<workspace host> "
                "(e.g. https://dbc-1234abcd-5678.cloud.databricks.com)"
            )
        return host.rstrip("/")


class GitSpec(Spec):
    """Where jobs take their code from, and which ref this tier runs.

    At most one of branch, tag, commit, follow. Left out: a prod tier runs the commit CD
    passes in the Terraform variable `databricks_git_commit`; any other tier follows `main`.
    `follow: deployed` gives any tier prod's behaviour: its jobs run exactly the commit CD
    last deployed to it (the same variable; CD sets it to the commit it deploys, PR plans and
    drift to the tier's last deployed commit from its release ledger).
    A prod tier never follows a branch (checked).
    """

    url: str = Field(min_length=1)
    provider: GitProvider
    branch: str | None = Field(default=None, min_length=1)
    tag: str | None = Field(default=None, min_length=1)
    commit: str | None = None
    # The project folder inside the repository (tierform/config/repository.py): the loader
    # fills it from platform.yaml `repository`; notebook and dbt paths are relative to it.
    subfolder: str = ""
    follow: Literal["deployed"] | None = None

    @field_validator("commit")
    @classmethod
    def _sha(cls, commit: str | None) -> str | None:
        if commit is not None and not _COMMIT.fullmatch(commit):
            raise ValueError(
                f"{shorten(commit)} is not a commit SHA (7 to 40 lower-case hex digits)"
            )
        return commit

    @model_validator(mode="after")
    def _one_ref(self) -> GitSpec:
        refs = [k for k in ("branch", "tag", "commit", "follow") if getattr(self, k) is not None]
        if len(refs) > 1:
            raise ValueError(
                f"set at most one of branch, tag, commit, follow (got {', '.join(refs)}); "
                "to drop one inherited through `extends`, write e.g. `tag: null`"
            )
        return self


# /Repos itself (its folders take exactly /Repos/<folder>/<name>) or a folder under
# /Workspace/, without empty, `.` or `..` segments.
_WORKSPACE_PATH = re.compile(r"/Repos|/Workspace(?:/(?!\.\.?(?:/|$))[^/\s][^/]*)+")
_FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class GitFoldersSpec(Spec):
    """`databricks.git_folders`: workspace Git folders (Repos) of the repository in `git`,
    so people working in the workspace see the code the tier's jobs run.

    The tier's folder `<parent>/<tier>/<name>` is on the tier's ref: `branch` or `tag` here,
    else the jobs' branch or tag. A Git folder cannot check out a commit (the Repos API
    takes a branch or tag), so a tier whose jobs run a commit (prod, `follow: deployed`,
    `git.commit`) gets `main` unless `branch`/`tag` say otherwise. With `sandboxes`, each
    developer with a `databricks_user` gets `/Repos/<user>/<name>`, starting on the
    developer's `git_branch` (default: the tier folder's branch); the developer may switch
    branches there, Terraform does not switch it back.
    """

    parent: str = "/Repos"
    branch: str | None = Field(default=None, min_length=1)
    tag: str | None = Field(default=None, min_length=1)
    # The folder's name; default: the repository's name (the last part of git.url).
    name: str | None = None
    sandboxes: bool = True
    # Cone patterns (folders) to check out instead of the whole repository.
    sparse_checkout: list[str] = Field(default_factory=list)

    @field_validator("parent")
    @classmethod
    def _workspace_path(cls, value: str) -> str:
        if not _WORKSPACE_PATH.fullmatch(value):
            raise ValueError(
                f"{shorten(value)} is not a Git folders' parent: expected /Repos (folders "
                "/Repos/<tier>/<name>) or a folder under /Workspace/ (e.g. "
                "/Workspace/Shared/git), without a trailing /"
            )
        return value

    @model_validator(mode="after")
    def _one_ref(self) -> GitFoldersSpec:
        if self.branch is not None and self.tag is not None:
            raise ValueError(
                "set branch or tag, not both; to drop one inherited through `extends`, "
                "write e.g. `tag: null`"
            )
        return self

    @field_validator("name")
    @classmethod
    def _folder_name(cls, value: str | None) -> str | None:
        if value is not None and not _FOLDER_NAME.fullmatch(value):
            raise ValueError(f"{shorten(value)} is not a folder name: letters, digits, . _ -, no /")
        return value

    @field_validator("sparse_checkout")
    @classmethod
    def _patterns(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value or value.startswith("/") or ".." in value.split("/"):
                raise ValueError(f"{shorten(value)} is not a repository folder (relative, no ..)")
        return _unique(values)


class SchemaSpec(Spec):
    comment: str | None = None
    # Principal (group or the tier's service principal) → RO | RW | OWNER on this schema only.
    access: dict[str, AccessLevel] = Field(default_factory=dict)


class CatalogSpec(Spec):
    """`per_tier`: a catalog per tier named by the naming rule (NORTHWIND → northwind_prod).
    `shared`: one existing catalog named `name` for every tier; each tier's schemas carry
    the prefix `<tier>_` (prod_bronze). The shared catalog and its grants are managed outside
    the tier stacks (grants are authoritative: two stacks must never both manage them)."""

    name: Identifier
    layout: Literal["per_tier", "shared"] = "per_tier"
    comment: str | None = None
    # Principal → RO | RW | OWNER on the whole catalog (Unity Catalog inherits it downwards).
    access: dict[str, AccessLevel] = Field(default_factory=dict)
    schemas: Annotated[dict[Identifier, SchemaSpec], BeforeValidator(names_list_to_map)] = Field(
        default_factory=dict
    )
    # Make the catalog ISOLATED and bind it to this tier's workspace (needs workspace.id).
    bind_to_workspace: bool = False


class ClusterPolicySpec(Spec):
    """Guardrails for every cluster created under the policy (jobs use it too)."""

    description: str | None = None
    auto_termination_minutes: int = Field(default=30, ge=10)
    node_types: list[NodeType] = Field(min_length=1)
    max_workers: int = Field(default=2, ge=0, le=1000)
    spark_version: str = Field(default="15.4.x-scala2.12", min_length=1)
    # Groups allowed to create clusters with the policy (CAN_USE).
    access: list[str] = Field(default_factory=list)

    @field_validator("access", "node_types")
    @classmethod
    def _no_repeats(cls, names: list[str]) -> list[str]:
        return _unique(names)


class SqlWarehouseSpec(Spec):
    size: WarehouseSize = "2X-Small"
    min_clusters: int = Field(default=1, ge=1, le=30)
    max_clusters: int = Field(default=1, ge=1, le=30)
    # The SQL Warehouses API accepts 0 (never: not allowed here) or at least 10.
    auto_stop_mins: int = Field(default=10, ge=10)
    serverless: bool = True
    access: dict[str, WarehousePermission] = Field(default_factory=dict)


class ServicePrincipalSpec(Spec):
    """The tier's identity for CI/CD and job runs, with only the entitlements it needs."""

    name: Identifier
    workspace_access: bool = True
    databricks_sql_access: bool = True
    allow_cluster_create: bool = False


class SecretScopeSpec(Spec):
    """Scope and ACLs only: secret values are put by an operator, never through Terraform."""

    name: Identifier
    acls: dict[str, SecretPermission] = Field(default_factory=dict)


class JobClusterSpec(Spec):
    """The job's cluster, under a tier policy: a fixed size (`workers`, default 1) or
    `autoscale` (min/max workers); `spark_version` overrides the policy's default runtime."""

    policy: Identifier
    node_type: NodeType
    workers: int | None = Field(default=None, ge=0)
    autoscale: AutoscaleSpec | None = None
    spark_version: SparkVersion | None = None

    @model_validator(mode="after")
    def _one_size(self) -> JobClusterSpec:
        if self.workers is not None and self.autoscale is not None:
            raise ValueError(
                "set workers (a fixed size) or autoscale, not both; to drop one inherited "
                "through `extends`, write e.g. `workers: null`"
            )
        return self

    @property
    def max_workers(self) -> int:
        """The most workers the cluster can have (what the policy's limit is checked against)."""
        if self.autoscale is not None:
            return self.autoscale.max_workers
        return 1 if self.workers is None else self.workers


class DbtTaskSpec(Spec):
    # Repository-relative folder holding dbt_project.yml.
    project: str = Field(min_length=1)
    commands: list[str] = Field(default_factory=lambda: ["dbt deps", "dbt build"], min_length=1)
    warehouse: Identifier
    # Default schema of the dbt target (a declared schema of the tier's catalog).
    target_schema: Identifier | None = None
    dbt_package: str = "dbt-databricks>=1.8,<2"

    @field_validator("commands")
    @classmethod
    def _dbt_commands(cls, commands: list[str]) -> list[str]:
        for command in commands:
            if not command.startswith("dbt "):
                raise ValueError(
                    f"{shorten(command)} is not a dbt command (each must start with 'dbt ')"
                )
        return commands


TASK_KINDS = ("notebook", "dbt", "python_wheel", "spark_python")


class TaskSpec(Spec):
    """Exactly one of `notebook` (repository-relative path), `dbt`, `python_wheel` or
    `spark_python`. `retries` and `timeout_seconds` override the job's defaults."""

    notebook: str | None = Field(default=None, min_length=1)
    # Notebook widgets (base_parameters); other kinds take their own `parameters`.
    parameters: dict[str, str] = Field(default_factory=dict)
    dbt: DbtTaskSpec | None = None
    python_wheel: PythonWheelTaskSpec | None = None
    spark_python: SparkPythonTaskSpec | None = None
    depends_on: list[Identifier] = Field(default_factory=list)
    retries: RetrySpec | None = None
    timeout_seconds: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_kind(self) -> TaskSpec:
        kinds = [k for k in TASK_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            got = f" (got {', '.join(kinds)})" if kinds else ""
            raise ValueError(f"a task runs exactly one of: {', '.join(TASK_KINDS)}{got}")
        if self.parameters and self.notebook is None:
            raise ValueError(
                f"parameters are notebook widgets; a {kinds[0]} task takes "
                f"{kinds[0]}.parameters instead"
            )
        return self


class ScheduleSpec(Spec):
    cron: str = Field(min_length=1, description="Quartz cron, e.g. '0 0 3 * * ?'")
    timezone: str = "UTC"

    @field_validator("cron")
    @classmethod
    def _quartz(cls, cron: str) -> str:
        problem = cron_problem(cron)
        if problem:
            raise ValueError(problem)
        return cron

    @field_validator("timezone")
    @classmethod
    def _zone(cls, zone: str) -> str:
        problem = timezone_problem(zone)
        if problem:
            raise ValueError(problem)
        return zone


class JobSpec(Spec):
    description: str | None = None
    cluster: JobClusterSpec
    tasks: dict[Identifier, TaskSpec] = Field(min_length=1)
    schedule: ScheduleSpec | None = None
    # Left out: paused on every tier but prod.
    paused: bool | None = None
    max_concurrent_runs: int = Field(default=1, ge=1)
    # A run is cancelled after this long (0: never, the Databricks default).
    timeout_seconds: int = Field(default=0, ge=0)
    # Notify `notifications.on_duration_warning` when a run takes longer than this.
    warn_after_seconds: int | None = Field(default=None, ge=1)
    # Default retries of every task (a task's own `retries` replaces them).
    retries: RetrySpec | None = None
    notifications: NotificationsSpec | None = None
    # Job parameters (name → default), pushed down to every task; a run may override them.
    parameters: dict[ParameterName, str] = Field(default_factory=dict)
    # Who may see or run the job (it runs as the tier's service principal either way).
    access: dict[str, JobPermission] = Field(default_factory=dict)
    # `tierform ci run` runs the job from the PR's commit when the PR changes its code
    # (README "PR runs of Databricks jobs"); `ci: false` for a job that must never run
    # from unreviewed code (it writes outside the tier, sends mail, costs too much).
    ci: bool = True


class DatabricksSpec(Spec):
    workspace: WorkspaceSpec
    git: GitSpec | None = None
    # Existing account groups (SCIM/IdP-managed), referenced by name.
    groups: list[str] = Field(default_factory=list)
    service_principal: ServicePrincipalSpec
    catalog: CatalogSpec
    # The tier's ceiling for cluster auto-termination and warehouse auto-stop.
    max_auto_termination_minutes: int = Field(default=60, ge=10)
    cluster_policies: dict[Identifier, ClusterPolicySpec] = Field(default_factory=dict)
    sql_warehouses: dict[Identifier, SqlWarehouseSpec] = Field(default_factory=dict)
    secret_scope: SecretScopeSpec | None = None
    # Cost tags on every policy-governed cluster and warehouse (plus `tier`).
    cost_tags: dict[str, str] = Field(default_factory=dict)
    jobs: dict[Identifier, JobSpec] = Field(default_factory=dict)
    git_folders: GitFoldersSpec | None = None

    @field_validator("groups")
    @classmethod
    def _no_repeats(cls, names: list[str]) -> list[str]:
        return _unique(names)

    @property
    def principals(self) -> list[str]:
        """Names a grant, permission or ACL may refer to."""
        return [*self.groups, self.service_principal.name]
