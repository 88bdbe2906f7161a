"""What the cdktf CLI needs from our atomic synth (node_modules/@cdktf/cli-core,
synth-stack.js): the stack folders it listed before launching the app still exist after it
(it `rmSync`s those missing from the new manifest itself), and the plan `cdktf diff` saved
survives the next synth. The real CLI runs in tests/integration/test_cdktf_cli_synth.py."""

from __future__ import annotations

import json
import shutil

import pytest
from support import EXAMPLE_CONFIG, run_synth_in_process, shared_synth

from tierform.gitops.cdktf_cli import (
    CLI_VARIABLE,
    CdktfCliError,
    cli_env,
    first_error_line,
    run,
)
from tierform.synth import CDKTF_CLI_SYNTH_VARIABLE


def _stacks(outdir):
    return sorted(p.name for p in (outdir / "stacks").iterdir())


def _manifest(outdir):
    return sorted(json.loads((outdir / "manifest.json").read_text())["stacks"])


def test_subset_synth_under_the_cli_leaves_dropped_folders_for_the_cli_to_remove(
    tmp_path, tmp_path_factory
):
    outdir = tmp_path / "cdktf.out"
    # The previous full synth: a copy of the run's shared one (the same main(), all stacks).
    shutil.copytree(shared_synth("example", tmp_path_factory), outdir)
    everything = _stacks(outdir)
    assert "dev" in everything
    (outdir / "stacks" / "local" / "plan").write_bytes(b"saved by cdktf diff")
    cli = {CDKTF_CLI_SYNTH_VARIABLE: "true"}
    result = run_synth_in_process(EXAMPLE_CONFIG, outdir, TIERFORM_TIERS="local", **cli)
    assert result.returncode == 0, result.stderr
    assert _stacks(outdir) == everything  # the CLI lstat()s and removes these itself
    assert _manifest(outdir) == ["local"]
    assert (outdir / "stacks" / "local" / "plan").read_bytes() == b"saved by cdktf diff"
    assert not list(tmp_path.glob(".cdktf.out.*"))


def test_subset_synth_without_the_cli_drops_other_stacks_and_keeps_the_plan(tmp_path):
    outdir = tmp_path / "cdktf.out"
    assert run_synth_in_process(EXAMPLE_CONFIG, outdir, TIERFORM_TIERS="local,dev").returncode == 0
    (outdir / "stacks" / "local" / "plan").write_bytes(b"plan")
    assert run_synth_in_process(EXAMPLE_CONFIG, outdir, TIERFORM_TIERS="local").returncode == 0
    assert _stacks(outdir) == ["local"]
    assert (outdir / "stacks" / "local" / "plan").read_bytes() == b"plan"


def test_first_error_line_of_cdktf_output():
    ci_output = (
        "dev  Initializing the backend...\n\n"
        "     Error: No valid credential sources found\n\n"
        "     Error: failed to refresh cached credentials\n"
        "Error: terraform init failed with exit code 1\n"
    )
    assert first_error_line(ci_output) == "Error: No valid credential sources found"
    boxed = "local  ╷\nlocal  │ Error: Reference to undeclared resource\nlocal  │\n"
    assert first_error_line(boxed) == "Error: Reference to undeclared resource"
    assert first_error_line("all good\n") is None


def test_plans_without_the_state_lock_go_through_terraform_cli_args(monkeypatch):
    monkeypatch.delenv("TF_CLI_ARGS_plan", raising=False)
    assert cli_env("dev", lock=False)["TF_CLI_ARGS_plan"] == "-lock=false"
    assert "TF_CLI_ARGS_plan" not in cli_env("dev")
    assert cli_env("dev")["TIERFORM_TIERS"] == "dev"


def test_a_cloud_stack_saves_its_plan_through_terraform_cli_args(monkeypatch):
    # cdktf passes `-out plan` to every stack but one with a `cloud` backend; we add it there.
    monkeypatch.setenv("TF_CLI_ARGS_plan", "-parallelism=4")
    env = cli_env("prod", lock=False, save_cloud_plan=True)
    assert env["TF_CLI_ARGS_plan"] == "-parallelism=4 -lock=false -out=plan"
    assert cli_env("prod", save_cloud_plan=True)["TF_CLI_ARGS_plan"] == "-parallelism=4 -out=plan"
    assert cli_env("prod")["TF_CLI_ARGS_plan"] == "-parallelism=4"  # the user's, unchanged


def test_a_stack_the_cli_reads_as_its_help_command_is_refused_before_the_cli_runs(
    tmp_path, monkeypatch
):
    # `cdktf deploy help` would print the usage and exit 0: "applied" with nothing run.
    marker = tmp_path / "ran"
    fake = tmp_path / "cdktf"
    fake.write_text(f"#!/bin/sh\ntouch {marker}\n")
    fake.chmod(0o755)
    monkeypatch.setenv(CLI_VARIABLE, str(fake))
    with pytest.raises(CdktfCliError, match="'help' cannot name a tier or stack"):
        run(["deploy", "help", "--auto-approve"], stack="help", root=tmp_path)
    assert not marker.exists()
    run(["deploy", "dev"], stack="dev", root=tmp_path)  # any other stack reaches the CLI
    assert marker.exists()
