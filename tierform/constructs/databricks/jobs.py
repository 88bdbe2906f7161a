"""Jobs that run notebooks and dbt straight from the repository (`git_source`).

Each tier pins its own ref (databricks_naming.git_ref): dev a branch, staging `main`, prod a
tag or commit — from config, or the commit CD passes in `TF_VAR_databricks_git_commit`.
Jobs run as the tier's service principal; schedules are paused except on prod unless the
config says otherwise; names carry the tier.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from tierform.config.databricks import GitSpec, JobSpec
from tierform.config.databricks_checks import NOTEBOOK_EXTENSIONS
from tierform.config.databricks_naming import GIT_COMMIT_VARIABLE
from tierform.constructs.databricks.bindings import (
    Job,
    JobGitSource,
    JobJobCluster,
    JobJobClusterNewCluster,
    JobRunAs,
    JobSchedule,
    JobTask,
    JobTaskDbtTask,
    JobTaskDependsOn,
    JobTaskLibrary,
    JobTaskNotebookTask,
)
from tierform.constructs.databricks.dynamic import dynamic, set_dynamic_blocks
from tierform.constructs.databricks.permissions import object_permissions
from tierform.constructs.foreach import instance_attribute, iterator, stable_address
from tierform.constructs.framework import (
    Construct,
    TerraformProvider,
    TerraformResource,
    TerraformVariable,
    TerraformVariableValidationConfig,
)

CLUSTER_KEY = "main"


def notebook_path(value: str) -> str:
    """Jobs name a notebook in Git without its extension."""
    path = PurePosixPath(value)
    return str(path.with_suffix("")) if path.suffix in NOTEBOOK_EXTENSIONS else str(path)


class DatabricksJobs(Construct):
    """`databricks_job.jobs[<JOB>]`: one job cluster under a tier policy, tasks from Git.

    `databricks_permissions.jobs[<JOB>]` for jobs with `access` (`access`: logical job →
    its resolved access entries).
    Attributes: `names` (logical → job name), `jobs`, `permissions`, `git_ref` ((kind,
    value)), `git_variable` (the TerraformVariable when CD supplies the commit, else None).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        jobs: dict[str, JobSpec],
        job_names: dict[str, str],
        git: GitSpec,
        git_ref: tuple[str, str | None],
        paused_by_default: bool,
        run_as: str,
        catalog_name: str,
        schema_names: dict[str, str],
        policy_ids: dict[str, str],
        spark_versions: dict[str, str],
        warehouse_ids: dict[str, str],
        tags: dict[str, str],
        access: dict[str, list[dict[str, str]]],
        provider: TerraformProvider,
        depends_on: list[TerraformResource],
    ):
        super().__init__(scope, id)
        self.names = dict(job_names)
        self.git_ref = git_ref
        self.git_variable: TerraformVariable | None = None
        kind, value = git_ref
        if kind == "variable":
            self.git_variable = TerraformVariable(
                self,
                GIT_COMMIT_VARIABLE,
                type="string",
                nullable=False,
                description="Commit SHA the prod jobs run (CD sets TF_VAR_databricks_git_commit)",
                validation=[
                    TerraformVariableValidationConfig(
                        # In Terraform JSON every string is a template: without `${…}` the
                        # condition would be a literal and `terraform init` refuses it.
                        condition=(
                            f'${{can(regex("^[0-9a-f]{{7,40}}$", var.{GIT_COMMIT_VARIABLE}))}}'
                        ),
                        error_message="databricks_git_commit must be a commit SHA, never a branch.",
                    )
                ],
            )
            stable_address(self.git_variable, GIT_COMMIT_VARIABLE)
            kind, value = "commit", self.git_variable.string_value
        git_source = JobGitSource(url=git.url, provider=git.provider, **{kind: value})

        items = {}
        for logical, job in jobs.items():
            paused = paused_by_default if job.paused is None else job.paused
            items[logical] = {
                "name": self.names[logical],
                "description": job.description or f"{logical}, managed by Tierform",
                "max_concurrent_runs": job.max_concurrent_runs,
                "policy_id": policy_ids[job.cluster.policy],
                "spark_version": spark_versions[job.cluster.policy],
                "node_type": job.cluster.node_type,
                "workers": job.cluster.workers,
                "schedule": [
                    {
                        "cron": job.schedule.cron,
                        "timezone": job.schedule.timezone,
                        "pause_status": "PAUSED" if paused else "UNPAUSED",
                    }
                ]
                if job.schedule
                else [],
                "tasks": [
                    self._task(key, task, catalog_name, schema_names, warehouse_ids)
                    for key, task in job.tasks.items()
                ],
            }
        self.jobs: Job | None = None
        self.permissions = None
        if not items:
            return
        it = iterator(items)
        job_resource = Job(
            self,
            "jobs",
            for_each=it,
            provider=provider,
            name=it.get_string("name"),
            description=it.get_string("description"),
            max_concurrent_runs=it.get_number("max_concurrent_runs"),
            # Terraform owns these jobs: edits in the UI would be overwritten by the next apply.
            edit_mode="UI_LOCKED",
            git_source=git_source,
            run_as=JobRunAs(service_principal_name=run_as),
            tags=tags,
            job_cluster=[
                JobJobCluster(
                    job_cluster_key=CLUSTER_KEY,
                    new_cluster=JobJobClusterNewCluster(
                        policy_id=it.get_string("policy_id"),
                        apply_policy_default_values=True,
                        spark_version=it.get_string("spark_version"),
                        node_type_id=it.get_string("node_type"),
                        num_workers=it.get_number("workers"),
                        data_security_mode="SINGLE_USER",
                    ),
                )
            ],
            task=[JobTask(task_key="-")],
            schedule=JobSchedule(quartz_cron_expression="-", timezone_id="-"),
            depends_on=depends_on,
        )
        set_dynamic_blocks(job_resource, {"task": self._task_block(), "schedule": _schedule()})
        self.jobs = stable_address(job_resource, "jobs")
        self.permissions = object_permissions(
            self,
            "job_access",
            object_field="job_id",
            objects={
                logical: {
                    "object_id": instance_attribute(self.jobs, logical, "id"),
                    "access": entries,
                }
                for logical, entries in access.items()
                if entries
            },
            provider=provider,
            depends_on=[self.jobs],
            address="jobs",
        )

    @staticmethod
    def _task(key, task, catalog_name, schema_names, warehouse_ids) -> dict:
        notebook, dbt, libraries = [], [], []
        if task.notebook is not None:
            notebook.append(
                {
                    "path": notebook_path(task.notebook),
                    # The notebook learns its tier's catalog from the job, not from code.
                    "parameters": {"catalog": catalog_name, **task.parameters},
                }
            )
        if task.dbt is not None:
            spec = task.dbt
            dbt.append(
                {
                    "project": spec.project,
                    "commands": list(spec.commands),
                    "warehouse_id": warehouse_ids[spec.warehouse],
                    "catalog": catalog_name,
                    "schema": schema_names[spec.target_schema] if spec.target_schema else "default",
                }
            )
            libraries.append(spec.dbt_package)
        return {
            "key": key,
            "depends_on": list(task.depends_on),
            "notebook": notebook,
            "dbt": dbt,
            "libraries": libraries,
        }

    @staticmethod
    def _task_block() -> dict:
        return dynamic(
            JobTask,
            for_each="${each.value.tasks}",
            iterator="task",
            content={
                "task_key": "${task.value.key}",
                "job_cluster_key": CLUSTER_KEY,
                "dynamic": {
                    "depends_on": dynamic(
                        JobTaskDependsOn,
                        for_each="${task.value.depends_on}",
                        iterator="dep",
                        content={"task_key": "${dep.value}"},
                    ),
                    "notebook_task": dynamic(
                        JobTaskNotebookTask,
                        for_each="${task.value.notebook}",
                        iterator="nb",
                        content={
                            "notebook_path": "${nb.value.path}",
                            "source": "GIT",
                            "base_parameters": "${nb.value.parameters}",
                        },
                    ),
                    "dbt_task": dynamic(
                        JobTaskDbtTask,
                        for_each="${task.value.dbt}",
                        iterator="dbt",
                        content={
                            "project_directory": "${dbt.value.project}",
                            "commands": "${dbt.value.commands}",
                            "warehouse_id": "${dbt.value.warehouse_id}",
                            "catalog": "${dbt.value.catalog}",
                            "schema": "${dbt.value.schema}",
                            "source": "GIT",
                        },
                    ),
                    "library": dynamic(
                        JobTaskLibrary,
                        for_each="${task.value.libraries}",
                        iterator="lib",
                        content={"pypi": {"package": "${lib.value}"}},
                    ),
                },
            },
        )


def _schedule() -> dict:
    return dynamic(
        JobSchedule,
        for_each="${each.value.schedule}",
        iterator="schedule",
        content={
            "quartz_cron_expression": "${schedule.value.cron}",
            "timezone_id": "${schedule.value.timezone}",
            "pause_status": "${schedule.value.pause_status}",
        },
    )
