"""The dbt Cloud job ids a tier's release keeps in its ledger for `ci run`
(tierform/dbt_cloud/jobs.py), on a local ledger folder."""

from __future__ import annotations

import pytest

from tierform.config.dbt_cloud_step import CI_JOB_ENV, DEPLOY_JOB_ENV
from tierform.dbt_cloud import jobs
from tierform.dbt_cloud.errors import DbtCloudInputError
from tierform.ledger.local_store import LocalStore
from tierform.ledger.tier_ledger import TierLedger


@pytest.fixture
def ledger(tmp_path):
    return TierLedger(LocalStore(tmp_path), "prod")


def test_ids_are_recorded_once_and_rewritten_when_they_change(ledger):
    first = jobs.record_jobs(ledger, "prod", {DEPLOY_JOB_ENV: "1", CI_JOB_ENV: "2"})
    again = jobs.record_jobs(ledger, "prod", {DEPLOY_JOB_ENV: "1", CI_JOB_ENV: "2"})
    assert again == first  # unchanged: the record (and its time) kept
    assert jobs.ci_job_id(ledger, "prod", {}) == (2, ledger.url("dbt/prod/dbt-cloud.json"))
    jobs.record_jobs(ledger, "prod", {DEPLOY_JOB_ENV: "1", CI_JOB_ENV: "3"})
    assert jobs.ci_job_id(ledger, "prod", {})[0] == 3
    assert jobs.ci_job_id(ledger, "prod", {CI_JOB_ENV: "9"}) == (9, f"${CI_JOB_ENV}")


def test_an_id_that_is_not_digits_is_refused_by_name(ledger):
    with pytest.raises(DbtCloudInputError, match=rf"\${DEPLOY_JOB_ENV} is '12a'"):
        jobs.deploy_job_id({DEPLOY_JOB_ENV: "12a"})
