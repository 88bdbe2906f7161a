"""The synth replaces its output folder whole (stacks/app.py): it must never take another
folder for it. `CDKTF_OUTDIR=` (empty) used to mean the working directory, and the synth
deleted the whole checkout, `.git` included, and exited 0; `CDKTF_OUTDIR=config` replaced
the configuration. Synth only (in process)."""

from __future__ import annotations

import pytest
from support import copy_config, run_synth_in_process, tree_snapshot


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    copy_config(root)
    (root / ".git").mkdir()
    (root / "README.md").write_text("keep me\n")
    return root


def test_an_empty_cdktf_outdir_is_the_default_folder_not_the_checkout(project):
    result = run_synth_in_process(
        project / "config", "", cwd=project, TIERFORM_TIERS="local", CDKTF_OUTDIR=""
    )
    assert result.returncode == 0, result.stderr
    assert (project / "cdktf.out" / "stacks" / "local" / "cdk.tf.json").is_file()
    assert (project / "README.md").read_text() == "keep me\n"
    assert (project / ".git").is_dir() and (project / "config" / "platform.yaml").is_file()


@pytest.mark.parametrize("outdir", ["config", ".", "README.md"])
def test_a_folder_that_is_not_a_synth_output_is_refused_and_left_alone(project, outdir):
    before = tree_snapshot(project)
    result = run_synth_in_process(
        project / "config", "", cwd=project, TIERFORM_TIERS="local", CDKTF_OUTDIR=outdir
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tierform synth: CDKTF_OUTDIR: "), lines
    assert "Traceback" not in result.stderr
    assert tree_snapshot(project) == before  # nothing written, nothing removed


def test_a_previous_output_is_still_replaced(project):
    first = run_synth_in_process(project / "config", project / "out", TIERFORM_TIERS="local")
    assert first.returncode == 0, first.stderr
    (project / "out" / "stacks" / "gone").mkdir()  # a stack this synth does not make
    again = run_synth_in_process(project / "config", project / "out", TIERFORM_TIERS="local")
    assert again.returncode == 0, again.stderr
    assert not (project / "out" / "stacks" / "gone").exists()
