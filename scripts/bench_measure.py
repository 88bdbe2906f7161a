"""Run one command and measure it: wall time, CPU time and peak memory (imported by
scripts/bench.py).

CPU comes from wait4() on the command: it includes every descendant the command waited
for (jsii's node process, the gate's checkov processes). Peak memory is the largest sum of
RSS over the command's whole process tree, sampled every 0.1 s: processes that run at once
(the gate's parallel checkov runs, python + node in a synth) count together.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from dataclasses import dataclass

import psutil


@dataclass(frozen=True)
class Measured:
    wall: float  # seconds
    cpu: float  # seconds, user + system, the command and its waited-for descendants
    peak_mb: float  # largest summed RSS of the process tree
    returncode: int
    stdout: str
    stderr: str


def run(command: list[str], *, env: dict[str, str], cwd: str | None = None) -> Measured:
    start = time.perf_counter()
    proc = subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        try:
            root = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not done.is_set():
            total = 0
            with contextlib.suppress(psutil.Error):
                for p in [root, *root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        total += p.memory_info().rss
            peak[0] = max(peak[0], total)
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out_chunks: list[str] = []
    err_chunks: list[str] = []
    readers = [
        threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()), daemon=True),
        threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True),
    ]
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    for reader in readers:
        reader.join()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_mb=max(peak[0] / 1e6, usage.ru_maxrss / 1024),
        returncode=proc.returncode,
        stdout="".join(out_chunks),
        stderr="".join(err_chunks),
    )
