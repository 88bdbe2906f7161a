"""The policy gate on the second platform (tests/fixtures/platforms/helix): other tier
names, one account per tier, Astronomer and MWAA, a shared catalog, gcs/cloud backends."""

from __future__ import annotations

from policy_support import run_policy, verdicts
from support import HELIX_CONFIG, shared_synth


def test_helix_passes_the_gate(tmp_path, tmp_path_factory):
    outdir = shared_synth("helix", tmp_path_factory)
    results = tmp_path / "results"
    result = run_policy(
        "--outdir", str(outdir), "--config", str(HELIX_CONFIG), "--results", str(results)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    stacks = verdicts(results)["stacks"]
    assert set(stacks) == {"local", "dev", "qa", "uat", "prod", "dev-carol"}
    assert stacks["prod"]["protected"] and stacks["uat"]["kind"] == "staging"
    for name, stack in stacks.items():
        assert stack["scanned"] == stack["resources"], name
