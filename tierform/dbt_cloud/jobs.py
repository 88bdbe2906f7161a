"""Which dbt Cloud jobs a tier has. Terraform creates them; the tier's stack hands their ids
to the dbt release step through the environment (tierform/config/dbt_cloud_step.py), and
the release keeps them in the tier's ledger, because `tierform ci run` runs in a pull
request's job, where no Terraform output is at hand:

  dbt/<target>/dbt-cloud.json   {deploy_job_id, ci_job_id, environment_id, recorded_at}
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from tierform.config.dbt_cloud_step import CI_JOB_ENV, DEPLOY_JOB_ENV, ENVIRONMENT_ENV
from tierform.dbt_cloud.errors import DbtCloudInputError
from tierform.ledger.errors import CorruptRecord
from tierform.ledger.tier_ledger import TierLedger
from tierform.release.records import now


def _key(target: str) -> str:
    return f"dbt/{target}/dbt-cloud.json"


def job_id_from_env(name: str, environ: Mapping[str, str] | None = None) -> int | None:
    value = (environ if environ is not None else os.environ).get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise DbtCloudInputError(f"${name} is {value!r}: expected a dbt Cloud id (digits)")
    return int(value)


def deploy_job_id(environ: Mapping[str, str] | None = None) -> int:
    job = job_id_from_env(DEPLOY_JOB_ENV, environ)
    if job is None:
        raise DbtCloudInputError(
            f"${DEPLOY_JOB_ENV} is not set: the tier's stack sets it on the dbt release step "
            "with the id of the deploy job it created (run the step through `cdktf deploy`, "
            "or export it to run the step by hand)"
        )
    return job


def record_jobs(ledger: TierLedger, target: str, environ: Mapping[str, str] | None = None) -> dict:
    ids = {
        "deploy_job_id": job_id_from_env(DEPLOY_JOB_ENV, environ),
        "ci_job_id": job_id_from_env(CI_JOB_ENV, environ),
        "environment_id": job_id_from_env(ENVIRONMENT_ENV, environ),
    }
    known = ledger.read_json(_key(target)) or {}
    if {name: known.get(name) for name in ids} == ids:
        return known  # unchanged: no write on every release
    record = {**ids, "recorded_at": now()}
    ledger.write_json(_key(target), record)
    return record


def ci_job_id(ledger: TierLedger, target: str, environ: Mapping[str, str] | None = None):
    """(CI job id or None, where it came from): the environment wins (a job run by hand),
    else what the tier's last release recorded."""
    job = job_id_from_env(CI_JOB_ENV, environ)
    if job is not None:
        return job, f"${CI_JOB_ENV}"
    record = ledger.read_json(_key(target))
    if record is None:
        return None, ledger.url(_key(target))
    job = record.get("ci_job_id")
    if job is not None and not isinstance(job, int):
        raise CorruptRecord(ledger.url(_key(target)), "has a ci_job_id that is no id", ledger.tier)
    return job, ledger.url(_key(target))
