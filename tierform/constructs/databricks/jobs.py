"""Jobs that run notebooks, dbt, Python wheels and Python files straight from the
repository (`git_source`).

Each tier pins its own ref (databricks_naming.git_ref): dev a branch, staging `main` or the
deployed commit (`follow: deployed`), prod a tag or commit — from config, or the commit CD
passes in `TF_VAR_databricks_git_commit`. Jobs run as the tier's service principal;
schedules are paused except on prod unless the config says otherwise; names carry the tier.
The tasks' data and block are in job_tasks.py, the job-level settings (timeout, parameters,
notifications) in job_settings.py.
"""

from __future__ import annotations

from tierform.config.databricks import GitSpec, JobSpec
from tierform.config.databricks_naming import GIT_COMMIT_VARIABLE
from tierform.constructs.databricks.bindings import (
    Job,
    JobGitSource,
    JobJobCluster,
    JobJobClusterNewCluster,
    JobJobClusterNewClusterAutoscale,
    JobRunAs,
    JobSchedule,
    JobTask,
)
from tierform.constructs.databricks.dynamic import dynamic, set_dynamic_blocks
from tierform.constructs.databricks.job_settings import (
    settings_blocks,
    settings_item,
    uses_timeout,
)
from tierform.constructs.databricks.job_tasks import (
    CLUSTER_KEY,
    notebook_path,
    optional_kinds,
    task_block,
    task_item,
    uses_settings,
    uses_wheels,
)
from tierform.constructs.databricks.permissions import object_permissions
from tierform.constructs.foreach import instance_attribute, iterator, stable_address
from tierform.constructs.framework import (
    Construct,
    TerraformProvider,
    TerraformResource,
    TerraformVariable,
    TerraformVariableValidationConfig,
)

__all__ = ["CLUSTER_KEY", "DatabricksJobs", "notebook_path"]


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
                description=(
                    "Commit SHA the jobs run: CD sets TF_VAR_databricks_git_commit to the "
                    "commit it deploys (PR plans and drift: the tier's last deployed commit)"
                ),
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

        settings, wheels, kinds = uses_settings(jobs), uses_wheels(jobs), optional_kinds(jobs)
        autoscale = any(job.cluster.autoscale is not None for job in jobs.values())
        items = {}
        for logical, job in jobs.items():
            paused = paused_by_default if job.paused is None else job.paused
            items[logical] = {
                "name": self.names[logical],
                "description": job.description or f"{logical}, managed by Tierform",
                "max_concurrent_runs": job.max_concurrent_runs,
                "policy_id": policy_ids[job.cluster.policy],
                # The job's own runtime, else the policy's default.
                "spark_version": job.cluster.spark_version or spark_versions[job.cluster.policy],
                "node_type": job.cluster.node_type,
                **_size(job, autoscale),
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
                    task_item(
                        key,
                        task,
                        job,
                        catalog_name=catalog_name,
                        schema_names=schema_names,
                        warehouse_ids=warehouse_ids,
                        settings=settings,
                        wheels=wheels,
                        kinds=kinds,
                        subfolder=git.subfolder,
                    )
                    for key, task in job.tasks.items()
                ],
                **settings_item(job, jobs),
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
            # Autoscaling stacks write the cluster themselves (_autoscaling_cluster).
            job_cluster=None
            if autoscale
            else [
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
            **({"timeout_seconds": it.get_number("timeout_seconds")} if uses_timeout(jobs) else {}),
        )
        if autoscale:
            _autoscaling_cluster(job_resource)
        set_dynamic_blocks(
            job_resource,
            {
                "task": task_block(settings=settings, wheels=wheels, kinds=kinds),
                "schedule": _schedule(),
                **settings_blocks(jobs),
            },
        )
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


def _size(job: JobSpec, autoscale: bool) -> dict:
    """`workers` (fixed size) or `autoscale` (a zero- or one-element list), per job."""
    cluster = job.cluster
    if not autoscale:
        return {"workers": 1 if cluster.workers is None else cluster.workers}
    if cluster.autoscale is None:
        return {"workers": 1 if cluster.workers is None else cluster.workers, "autoscale": []}
    return {
        "autoscale": [
            {
                "min_workers": cluster.autoscale.min_workers,
                "max_workers": cluster.autoscale.max_workers,
            }
        ]
    }


def _autoscaling_cluster(job: Job) -> None:
    """The job cluster with an `autoscale` block for the jobs that scale (`dynamic`: the
    typed block has no per-instance optional block) and no fixed size for them."""
    job.add_override(
        "job_cluster",
        [
            {
                "job_cluster_key": CLUSTER_KEY,
                "new_cluster": {
                    "policy_id": "${each.value.policy_id}",
                    "apply_policy_default_values": True,
                    "spark_version": "${each.value.spark_version}",
                    "node_type_id": "${each.value.node_type}",
                    # Only fixed-size jobs carry `workers`; autoscaling ones leave it unset.
                    "num_workers": '${lookup(each.value, "workers", null)}',
                    "data_security_mode": "SINGLE_USER",
                    "dynamic": {
                        "autoscale": dynamic(
                            JobJobClusterNewClusterAutoscale,
                            for_each="${each.value.autoscale}",
                            iterator="scale",
                            content={
                                "min_workers": "${scale.value.min_workers}",
                                "max_workers": "${scale.value.max_workers}",
                            },
                        )
                    },
                },
            }
        ],
    )
