"""`tierform.synth.main()` runs with Python's cyclic GC paused (it re-scans millions of
objects at 50k instances) and gives the caller's GC state back, whatever main returns."""

from __future__ import annotations

import gc

import tierform.synth as synth
from tierform.config import ConfigError, ConfigIssue


def test_main_pauses_gc_and_restores_it(monkeypatch, tmp_path):
    seen = []

    def refuse(config_dir):
        seen.append(gc.isenabled())
        raise ConfigError([ConfigIssue("config/platform.yaml", "", "refused by the test")])

    monkeypatch.setattr(synth, "load_platform", refuse)
    monkeypatch.setenv("TIERFORM_CONFIG", str(tmp_path))
    assert gc.isenabled()
    assert synth.main() == 2
    assert seen == [False]
    assert gc.isenabled()

    gc.disable()  # a caller that paused it itself keeps it paused
    try:
        assert synth.main() == 2
        assert not gc.isenabled()
    finally:
        gc.enable()
