"""Cross-field checks of a tier's Airflow section, as (path, message) like references.py."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tierform.config.airflow import AstronomerAirflowSpec, MwaaAirflowSpec
from tierform.config.tier import TierSpec

Problem = tuple[list[str | int], str]

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def check_airflow(tier: TierSpec) -> Iterator[Problem]:
    spec = tier.airflow
    base: list[str | int] = ["airflow"]
    if spec is None:
        return
    if tier.kind == "local" and spec.flavor != "local":
        yield (
            [*base, "flavor"],
            f"a local tier runs without a cloud account; use flavor 'local', not {spec.flavor!r}",
        )
    if isinstance(spec, MwaaAirflowSpec):
        yield from _check_mwaa(spec, tier, base)
    elif isinstance(spec, AstronomerAirflowSpec):
        yield from _check_astronomer(spec, base)


def _check_mwaa(spec: MwaaAirflowSpec, tier: TierSpec, base: list[str | int]) -> Iterator[Problem]:
    if spec.min_workers > spec.max_workers:
        yield (
            [*base, "min_workers"],
            f"{spec.min_workers} is more than max_workers ({spec.max_workers})",
        )
    if spec.environment_class == "mw1.micro":
        if spec.max_workers > 1:
            yield [*base, "max_workers"], "mw1.micro runs at most 1 worker"
        if spec.schedulers not in (None, 1):
            yield [*base, "schedulers"], "mw1.micro runs exactly 1 scheduler"
    elif spec.schedulers == 1:
        yield [*base, "schedulers"], f"{spec.environment_class} runs 2 to 5 schedulers"
    bucket = spec.bucket_name(tier.name)
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        field = "bucket" if spec.bucket else "name"
        yield (
            [*base, field],
            f"makes the S3 bucket name {bucket!r}, which is not valid (3-63 characters: "
            "lower-case letters, digits, '-' and '.')",
        )
    name = spec.environment_name(tier.name)
    if len(name) > 80:
        yield (
            [*base, "name"],
            f"makes the MWAA environment name {name!r}, longer than 80 characters",
        )


def _check_astronomer(spec: AstronomerAirflowSpec, base: list[str | int]) -> Iterator[Problem]:
    if spec.deployment_type == "STANDARD":
        for field in ("cloud_provider", "region"):
            if getattr(spec, field) is None:
                yield [*base, field], "required when deployment_type is STANDARD"
        if spec.cluster_id is not None:
            yield [*base, "cluster_id"], "only used when deployment_type is DEDICATED"
    else:
        if spec.cluster_id is None:
            yield [*base, "cluster_id"], f"required when deployment_type is {spec.deployment_type}"
        for field in ("cloud_provider", "region"):
            if getattr(spec, field) is not None:
                yield [*base, field], "only used when deployment_type is STANDARD"
    if spec.deploy in ("dags", "infer") and not spec.is_dag_deploy_enabled:
        yield (
            [*base, "deploy"],
            f"{spec.deploy!r} deploys DAG files on their own, which needs "
            "is_dag_deploy_enabled: true (or use deploy: image)",
        )
    if spec.executor == "KUBERNETES" and spec.worker_queues:
        yield [*base, "worker_queues"], "the KUBERNETES executor has no worker queues"
    for name, queue in spec.worker_queues.items():
        if queue.min_worker_count > queue.max_worker_count:
            yield (
                [*base, "worker_queues", name, "min_worker_count"],
                f"{queue.min_worker_count} is more than max_worker_count ({queue.max_worker_count})",
            )
