"""Waiting for a dbt Cloud run: poll until it completes, within a time limit; cancel it
when the limit passes or when this process is told to stop (SIGTERM from a cancelled CI
job, SIGINT from an interrupted `terraform apply`), so no run outlives the step that
started it."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tierform.dbt_cloud.api import DbtCloudClient
from tierform.dbt_cloud.errors import DbtCloudError
from tierform.dbt_cloud.run import Run

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Stopped(Exception):  # a signal to stop, not an error of ours
    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signal_name = signal.Signals(signum).name


@dataclass(frozen=True)
class Waited:
    run: Run
    # "complete" (the run ended by itself), "timeout" or a signal name ("SIGTERM"): the
    # last two mean Tierform cancelled the run.
    ended_by: str
    seconds: float

    @property
    def cancelled_by_us(self) -> bool:
        return self.ended_by != "complete"


@contextmanager
def stop_signals_raise() -> Iterator[None]:
    """SIGTERM and SIGINT raise Stopped inside the wait (only the main thread can take
    signals; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, _frame):
        raise Stopped(signum)

    saved = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, previous in saved.items():
            signal.signal(sig, previous)


def wait_for_run(
    client: DbtCloudClient,
    run: Run,
    *,
    poll_seconds: float,
    timeout_seconds: float,
    say: Callable[[str], None],
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Waited:
    started = clock()
    last = None
    with stop_signals_raise():
        try:
            while True:
                if run.status != last:
                    say(f"run {run.id}: {run.name} ({clock() - started:.0f} s)")
                    last = run.status
                if run.is_complete:
                    return Waited(run, "complete", clock() - started)
                if clock() - started >= timeout_seconds:
                    say(f"run {run.id} still {run.name} after {timeout_seconds:g} s: cancelling it")
                    return Waited(_cancel(client, run), "timeout", clock() - started)
                sleep(max(0.0, min(poll_seconds, timeout_seconds - (clock() - started))))
                run = client.get_run(run.id)
        except Stopped as stop:
            say(f"{stop.signal_name} received: cancelling run {run.id}")
            return Waited(_cancel(client, run), stop.signal_name, clock() - started)


def _cancel(client: DbtCloudClient, run: Run) -> Run:
    """Cancel the run and return what dbt Cloud says of it; a cancel that fails is said,
    not hidden (the run may still be going)."""
    with _signals_ignored():  # a second Ctrl-C must not abandon the cancel half-way
        try:
            return client.cancel_run(run.id)
        except DbtCloudError as exc:
            raise DbtCloudError(
                f"could not cancel dbt Cloud run {run.id} ({exc}); cancel it at {run.href}"
            ) from None


@contextmanager
def _signals_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {sig: signal.signal(sig, signal.SIG_IGN) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, previous in saved.items():
            signal.signal(sig, previous)
