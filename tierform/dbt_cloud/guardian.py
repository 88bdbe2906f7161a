"""A watchdog process that cancels a dbt Cloud run when the step that started it dies
without saying it is done.

The step's own SIGTERM/SIGINT handler (watch.py) is not enough under Terraform: an
interrupted `terraform apply` kills its local-exec command outright (measured with
terraform 1.11.4: SIGINT to terraform, or to its whole process group, ends the step with
"signal: killed" before its handler runs), and a killed runner or an OOM kill gives no
signal at all. So the step starts this process in a session of its own, connected by a
pipe: `done` on the pipe releases it; the pipe closing without it (the step died, or an
error escaped the wait) makes it cancel the run. Its output goes nowhere: a child holding
the step's stdout would keep Terraform waiting for it. The token reaches it through the
inherited environment, never its command line (visible to every user of the machine).

    python -m tierform.dbt_cloud.guardian HOST_URL ACCOUNT_ID RUN_ID TOKEN_ENV
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from tierform.config.dbt_cloud_step import DbtCloudStep

DONE = b"done\n"


@contextmanager
def guarded(cloud: DbtCloudStep, run_id: int) -> Iterator[None]:
    """While inside, the run is cancelled if this process dies; leaving normally (the run
    completed, or was cancelled by the wait itself) releases the guard."""
    child = _start(cloud, run_id)
    try:
        yield
    except BaseException:
        _close(child)  # no `done`: the guardian cancels the run
        raise
    _release(child)


def _start(cloud: DbtCloudStep, run_id: int) -> subprocess.Popen | None:
    command = [sys.executable, "-m", "tierform.dbt_cloud.guardian"]
    command += [cloud.host_url, str(cloud.account_id), str(run_id), cloud.token_env]
    try:
        return subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # out of reach of the signals and kills aimed at the step
            env=os.environ.copy(),
        )
    except OSError:
        return None  # the wait's own signal handling still cancels on SIGTERM/SIGINT


def _release(child: subprocess.Popen | None) -> None:
    if child is None:
        return
    try:
        child.stdin.write(DONE)
        child.stdin.flush()
    except OSError:
        pass
    _close(child)
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()


def _close(child: subprocess.Popen | None) -> None:
    if child is not None and child.stdin is not None:
        with suppress(OSError):
            child.stdin.close()


def main(argv: list[str]) -> int:
    host_url, account_id, run_id, token_env = argv
    told = sys.stdin.buffer.read()  # returns when the step writes `done` or dies
    if told.startswith(DONE):
        return 0
    from tierform.dbt_cloud.api import DbtCloudClient

    token = os.environ.get(token_env, "").strip()
    if not token:
        return 2
    client = DbtCloudClient(host_url, int(account_id), token, token_env=token_env)
    try:
        run = client.get_run(int(run_id))
        if not run.is_complete:
            client.cancel_run(run.id)
    except Exception:  # nobody to tell: the step is gone
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
