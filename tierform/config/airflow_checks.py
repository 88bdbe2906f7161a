"""Cross-field checks of a tier's Airflow section, as (path, message) like references.py."""

from __future__ import annotations

from collections.abc import Iterator

from tierform.config.airflow import AstronomerAirflowSpec, ComposerAirflowSpec, MwaaAirflowSpec
from tierform.config.airflow_composer import COMPOSER_NAME, SERVICE_ACCOUNT_ID
from tierform.config.airflow_mwaa import IAM_ROLE_NAME_LIMIT, MWAA_NAME
from tierform.config.buckets import GCS_RULE, S3_RULE, valid_gcs_bucket, valid_s3_bucket
from tierform.config.tier import TierSpec

Problem = tuple[list[str | int], str]


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
    elif isinstance(spec, ComposerAirflowSpec):
        yield from _check_composer(spec, tier, base)


MWAA_NAME_RULE = "a letter first, then letters, digits, '-' and '_'; at most 80 characters"
COMPOSER_NAME_RULE = (
    "a lower-case letter first, then lower-case letters, digits and '-', not ending with '-'; "
    "at most 64 characters"
)


def _invalid(path: list[str | int], made: str, rule: str, hint: str = "") -> Problem:
    return path, f"makes {made}, which is not valid ({rule}){hint}"


def _made(spec: MwaaAirflowSpec | ComposerAirflowSpec, tier: TierSpec) -> str:
    """How a cloud name came about, for a message: the logical name and the naming rule."""
    rule = tier.naming.effective_cloud_pattern
    return f"(name {spec.name!r} with naming.cloud_pattern {rule!r} for tier {tier.name!r})"


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
    if not valid_s3_bucket(bucket):
        field = "bucket" if spec.bucket else "name"
        yield _invalid([*base, field], f"the S3 bucket name {bucket!r}", S3_RULE)
    name = spec.environment_name(tier.name)
    if not MWAA_NAME.fullmatch(name):
        made = f"the MWAA environment name {name!r} {_made(spec, tier)}"
        yield _invalid([*base, "name"], made, MWAA_NAME_RULE)
    else:
        role = spec.execution_role_name(tier.name)
        if len(role) > IAM_ROLE_NAME_LIMIT:
            yield (
                [*base, "name"],
                f"makes the MWAA execution role name {role!r} ({len(role)} characters), longer "
                f"than IAM's {IAM_ROLE_NAME_LIMIT}; shorten airflow.name or "
                "naming.cloud_pattern (the environment name may be at most "
                f"{IAM_ROLE_NAME_LIMIT - len(role) + len(name)} characters)",
            )


def _check_composer(
    spec: ComposerAirflowSpec, tier: TierSpec, base: list[str | int]
) -> Iterator[Problem]:
    name = spec.environment_name(tier.name)
    if not COMPOSER_NAME.fullmatch(name):
        made = f"the Cloud Composer environment name {name!r} {_made(spec, tier)}"
        yield _invalid([*base, "name"], made, COMPOSER_NAME_RULE)
        return  # the service account and the bucket are made from it
    account = spec.service_account_id(tier.name)
    if not SERVICE_ACCOUNT_ID.fullmatch(account):
        made = f"the environment's service account id {account!r}"
        yield _invalid([*base, "name"], made, "6-30 characters", "; use a longer airflow.name")
    bucket = spec.bucket_name(tier.name)
    if bucket is not None and not valid_gcs_bucket(bucket):
        field = "bucket" if spec.bucket else "name"
        yield _invalid([*base, field], f"the Cloud Storage bucket name {bucket!r}", GCS_RULE)


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
