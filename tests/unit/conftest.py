"""tests/unit only: with two or more xdist workers, the first two each synthesize one of the
platforms at the start (support.shared_synth), in parallel, instead of the second worker to
need the example waiting on the first one's synth and then doing helix alone. Serial runs
synthesize lazily, as before."""

from __future__ import annotations

import os

import pytest
from support import shared_synth

# xdist worker → the platform it synthesizes first (the unit tests read both).
_FIRST = {"gw0": "example", "gw1": "helix"}


@pytest.fixture(scope="session", autouse=True)
def _platforms_synthesized_side_by_side(tmp_path_factory):
    name = _FIRST.get(os.environ.get("PYTEST_XDIST_WORKER", ""))
    if name is not None:
        shared_synth(name, tmp_path_factory)
