"""The tasks of a job, as data per task (in the job's for_each map) and the one `dynamic`
block that renders them: notebook, dbt, Python wheel and Spark Python tasks from Git, with
per-task retries and timeouts.

Every task carries the same keys (empty lists for what it does not use), so the for_each
map stays uniform and each sub-block is a `dynamic` over a zero- or one-element list.
"""

from __future__ import annotations

from typing import Any

from tierform.config.databricks import JobSpec, TaskSpec
from tierform.config.databricks_naming import JOB_CLUSTER_KEY, notebook_path
from tierform.config.repository import in_repository
from tierform.constructs.databricks.bindings import (
    JobTask,
    JobTaskDbtTask,
    JobTaskDependsOn,
    JobTaskLibrary,
    JobTaskNotebookTask,
    JobTaskPythonWheelTask,
    JobTaskSparkPythonTask,
)
from tierform.constructs.databricks.dynamic import dynamic

# The job cluster every task runs on (one definition: the CI runs of tierform/ci use it too).
CLUSTER_KEY = JOB_CLUSTER_KEY


def _retries(task: TaskSpec, job: JobSpec) -> dict[str, Any]:
    spec = task.retries or job.retries
    if spec is None:
        return {}
    return {
        "max_retries": spec.max_retries,
        "min_retry_interval_millis": spec.min_interval_seconds * 1000,
        "retry_on_timeout": spec.retry_on_timeout,
    }


def uses_settings(jobs: dict[str, JobSpec]) -> bool:
    """Whether any task has retries or a timeout: only then do tasks carry those fields."""
    return any(
        task.retries or job.retries or task.timeout_seconds is not None
        for job in jobs.values()
        for task in job.tasks.values()
    )


def optional_kinds(jobs: dict[str, JobSpec]) -> set[str]:
    """The task kinds beyond notebook and dbt that some task of the stack uses."""
    return {
        kind
        for job in jobs.values()
        for task in job.tasks.values()
        for kind in ("python_wheel", "spark_python")
        if getattr(task, kind) is not None
    }


def uses_wheels(jobs: dict[str, JobSpec]) -> bool:
    return any(
        task.python_wheel is not None and task.python_wheel.wheel is not None
        for job in jobs.values()
        for task in job.tasks.values()
    )


def task_item(
    key: str,
    task: TaskSpec,
    job: JobSpec,
    *,
    catalog_name: str,
    schema_names: dict[str, str],
    warehouse_ids: dict[str, str],
    settings: bool,
    wheels: bool,
    kinds: set[str],
    subfolder: str = "",
) -> dict[str, Any]:
    # Databricks reads git_source paths from the git root, not the project folder
    # (tierform/config/repository.py): repository paths get the project's subfolder.
    notebook, dbt, libraries, wheel_files, python_wheel, spark_python = [], [], [], [], [], []
    if task.notebook is not None:
        notebook.append(
            {
                "path": in_repository(subfolder, notebook_path(task.notebook)),
                # The notebook learns its tier's catalog from the job, not from code.
                "parameters": {"catalog": catalog_name, **task.parameters},
            }
        )
    if task.dbt is not None:
        spec = task.dbt
        dbt.append(
            {
                "project": in_repository(subfolder, spec.project),
                "commands": list(spec.commands),
                "warehouse_id": warehouse_ids[spec.warehouse],
                "catalog": catalog_name,
                "schema": schema_names[spec.target_schema] if spec.target_schema else "default",
            }
        )
        libraries.append(spec.dbt_package)
    if task.python_wheel is not None:
        wheel = task.python_wheel
        python_wheel.append(
            {
                "package_name": wheel.package_name,
                "entry_point": wheel.entry_point,
                # Like notebooks, the code learns its tier's catalog from the job.
                "parameters": ["--catalog", catalog_name, *wheel.parameters]
                if not wheel.named_parameters
                else [],
                "named_parameters": {"catalog": catalog_name, **wheel.named_parameters}
                if wheel.named_parameters
                else {},
            }
        )
        if wheel.package is not None:
            libraries.append(wheel.package)
        if wheel.wheel is not None:
            wheel_files.append(wheel.wheel)
    if task.spark_python is not None:
        spark_python.append(
            {
                "file": in_repository(subfolder, task.spark_python.file),
                "parameters": ["--catalog", catalog_name, *task.spark_python.parameters],
            }
        )
    item: dict[str, Any] = {
        "key": key,
        "depends_on": list(task.depends_on),
        "notebook": notebook,
        "dbt": dbt,
        "libraries": libraries,
    }
    # Keys only the stack's optional features need, on every task alike (uniform data, and
    # the policy checks can expand each dynamic block from it).
    if "python_wheel" in kinds:
        item["python_wheel"] = python_wheel
    if "spark_python" in kinds:
        item["spark_python"] = spark_python
    if wheels:
        item["wheels"] = wheel_files
    if settings:
        retries = _retries(task, job) or {
            "max_retries": 0,
            "min_retry_interval_millis": 0,
            "retry_on_timeout": False,
        }
        item |= retries | {"timeout_seconds": task.timeout_seconds or 0}
    return item


def task_block(*, settings: bool, wheels: bool, kinds: set[str]) -> dict[str, Any]:
    """The `dynamic "task"` spec. `kinds`: the optional task kinds present in the stack
    (python_wheel, spark_python), so a stack without them synthesizes as before."""
    nested: dict[str, Any] = {
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
    }
    if "python_wheel" in kinds:
        nested["python_wheel_task"] = dynamic(
            JobTaskPythonWheelTask,
            for_each="${task.value.python_wheel}",
            iterator="whl",
            content={
                "package_name": "${whl.value.package_name}",
                "entry_point": "${whl.value.entry_point}",
                "parameters": "${whl.value.parameters}",
                "named_parameters": "${whl.value.named_parameters}",
            },
        )
    if "spark_python" in kinds:
        nested["spark_python_task"] = dynamic(
            JobTaskSparkPythonTask,
            for_each="${task.value.spark_python}",
            iterator="py",
            content={
                "python_file": "${py.value.file}",
                "parameters": "${py.value.parameters}",
                "source": "GIT",
            },
        )
    pypi = dynamic(
        JobTaskLibrary,
        for_each="${task.value.libraries}",
        iterator="lib",
        content={"pypi": {"package": "${lib.value}"}},
    )
    # Terraform JSON takes an array of bodies for several blocks of one type and label.
    nested["library"] = (
        [
            pypi,
            dynamic(
                JobTaskLibrary,
                for_each="${task.value.wheels}",
                iterator="wheel",
                content={"whl": "${wheel.value}"},
            ),
        ]
        if wheels
        else pypi
    )
    content: dict[str, Any] = {"task_key": "${task.value.key}", "job_cluster_key": CLUSTER_KEY}
    if settings:
        content |= {
            "max_retries": "${task.value.max_retries}",
            "min_retry_interval_millis": "${task.value.min_retry_interval_millis}",
            "retry_on_timeout": "${task.value.retry_on_timeout}",
            "timeout_seconds": "${task.value.timeout_seconds}",
        }
    content["dynamic"] = nested
    return dynamic(JobTask, for_each="${each.value.tasks}", iterator="task", content=content)
