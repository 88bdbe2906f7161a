"""Waiting for a dbt Cloud run (tierform/dbt_cloud/watch.py) with a scripted client and a
fake clock: no server, no sleeping. dbt Cloud cannot run here; the HTTP side is covered by
tests/integration/test_dbt_cloud_*.py against a local stand-in."""

from __future__ import annotations

import pytest

from tierform.config.dbt_cloud_step import DbtCloudStep
from tierform.dbt_cloud.api import DbtCloudClient, token_from
from tierform.dbt_cloud.errors import DbtCloudError, DbtCloudInputError
from tierform.dbt_cloud.run import CANCELLED, ERROR, QUEUED, RUNNING, SUCCESS, Run, parse_run
from tierform.dbt_cloud.watch import wait_for_run


class ScriptedClient:
    def __init__(self, statuses: list[int], fail_cancel: bool = False):
        self.statuses = statuses
        self.gets = 0
        self.cancelled = False
        self.fail_cancel = fail_cancel

    def get_run(self, run_id: int) -> Run:
        status = self.statuses[min(self.gets, len(self.statuses) - 1)]
        self.gets += 1
        return Run(run_id, CANCELLED if self.cancelled else status, "https://x/runs/5/")

    def cancel_run(self, run_id: int) -> Run:
        if self.fail_cancel:
            raise DbtCloudError("POST …/cancel/: dbt Cloud answered HTTP 500")
        self.cancelled = True
        return Run(run_id, CANCELLED, "https://x/runs/5/")


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _wait(client, *, poll=10.0, timeout=100.0):
    clock, lines = Clock(), []
    waited = wait_for_run(
        client,
        Run(5, QUEUED, "https://x/runs/5/"),
        poll_seconds=poll,
        timeout_seconds=timeout,
        say=lines.append,
        clock=clock,
        sleep=clock.sleep,
    )
    return waited, lines


def test_polls_until_complete_and_says_each_change_once():
    client = ScriptedClient([QUEUED, RUNNING, RUNNING, SUCCESS])
    waited, lines = _wait(client)
    assert waited.ended_by == "complete" and waited.run.is_success
    assert client.gets == 4 and waited.seconds == 40.0
    assert lines == ["run 5: Queued (0 s)", "run 5: Running (20 s)", "run 5: Success (40 s)"]


def test_an_error_run_is_complete_not_cancelled():
    waited, _ = _wait(ScriptedClient([ERROR]))
    assert waited.run.status == ERROR and not waited.cancelled_by_us


def test_the_time_limit_cancels_the_run():
    client = ScriptedClient([RUNNING])
    waited, lines = _wait(client, poll=30.0, timeout=100.0)
    assert waited.ended_by == "timeout" and client.cancelled
    assert waited.run.status == CANCELLED and waited.seconds == 100.0  # never sleeps past it
    assert lines[-1] == "run 5 still Running after 100 s: cancelling it"


def test_a_failed_cancel_says_where_to_cancel_by_hand():
    with pytest.raises(DbtCloudError, match=r"could not cancel .* cancel it at https://x/runs/5/"):
        _wait(ScriptedClient([RUNNING], fail_cancel=True), timeout=0)


def test_a_response_without_a_run_is_one_error():
    with pytest.raises(DbtCloudError, match="answered without a run"):
        parse_run({"status": 10}, "GET …/runs/5/")
    assert parse_run({"id": 5, "status": 10, "href": "h"}, "w").name == "Success"


def test_a_missing_token_names_its_variable_only():
    step = DbtCloudStep(1, "https://cloud.getdbt.com", 2, token_env="ACME_DBT_TOKEN")
    with pytest.raises(DbtCloudInputError, match=r"export ACME_DBT_TOKEN") as raised:
        token_from(step, {})
    assert raised.value.exit_code == 2
    assert token_from(step, {"ACME_DBT_TOKEN": " tok "}) == "tok"


def test_the_api_base_url_is_under_the_account():
    client = DbtCloudClient("https://ab123.us1.dbt.com/", 70, "secret-value")
    assert client.base == "https://ab123.us1.dbt.com/api/v2/accounts/70"
    assert "secret-value" not in repr(client)
