"""Tests that need a fresh Python process: what a command imports (and must not) before it
does anything, the framework chosen at first import, the guard at the real entry point with a
bug injected, and a make target running the command. Moved from tests/unit, which runs the
commands in its own process (support.run_tierform_in_process); each test names where it
came from."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import EXAMPLE_CONFIG, REPO, run_synth, tool_env

from tierform.gitops.plan_status import FAILED, TierStatus, write_status

# A hang guard for the subprocess, not a timing assertion.
HANG_GUARD = 120


def assert_refused(result: subprocess.CompletedProcess, *expected: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr


# from tests/unit/test_app_synth.py
def test_provider_packages_imported_only_when_used(tmp_path):
    """Synthesizing only `local` must not pay for the Snowflake provider import."""
    code = (
        "import sys, os\n"
        "from tierform.synth import main\n"
        "rc = main()\n"
        "print('LOADED' if any(m.startswith('cdktf_cdktf_provider') for m in sys.modules) else 'CLEAN')\n"
        "sys.exit(rc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=tool_env(
            TIERFORM_TIERS="local",
            CDKTF_OUTDIR=str(tmp_path / "out"),
            TIERFORM_CONFIG=str(EXAMPLE_CONFIG),
        ),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("CLEAN")


# from tests/unit/test_library_constructs.py
def test_importing_props_loads_no_framework_and_a_construct_no_provider() -> None:
    code = (
        "import sys\n"
        "from tierform.constructs import SnowflakeEnvironmentProps, DatabricksEnvironmentProps\n"
        "print(sorted(m for m in sys.modules if m.startswith(('cdktf', 'cdktn', 'jsii'))))\n"
        "from tierform.constructs import ReleaseStep\n"
        "print(sorted(m for m in sys.modules if 'provider' in m and m.startswith('cdkt')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=tool_env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert out.stdout.splitlines() == ["[]", "[]"]


# from tests/unit/test_library_constructs.py
@pytest.mark.parametrize("choice", ["cdktn", "pulumi"])
def test_an_unusable_framework_choice_is_bad_input(choice: str, tmp_path: Path) -> None:
    """.venv has cdktf only: TIERFORM_FRAMEWORK=cdktn there is one line and exit 2. A fresh
    process (the framework is chosen when it is first imported, which this one has done)."""
    result = run_synth(
        EXAMPLE_CONFIG, tmp_path / "out", TIERFORM_FRAMEWORK=choice, TIERFORM_TIERS="local"
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"tierform synth: TIERFORM_FRAMEWORK={choice}") or (
        f"TIERFORM_FRAMEWORK='{choice}'" in result.stderr
    )
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


# from tests/unit/test_hostile_input.py
def test_a_crashing_gate_is_one_line_and_exit_2(tmp_path: Path):
    """A bug inside the gate (simulated: its findings step raises) is one line naming it a
    bug, exit 2 — never 1, which reads as "a check failed" — through the real CLI entry."""
    stack = tmp_path / "cdktf.out" / "stacks" / "local" / "cdk.tf.json"
    stack.parent.mkdir(parents=True)
    stack.write_text(json.dumps({"resource": {"terraform_data": {"x": {"input": "a"}}}}))
    quiet = tmp_path / "quiet-checkov"  # an empty but well-formed report
    report = {"check_type": "terraform_json", "results": {}, "summary": {"resource_count": 1}}
    quiet.write_text(f"#!/bin/sh\necho '{json.dumps(report)}'\n")
    quiet.chmod(0o755)
    inject = (
        "import sys, tierform.policy.gate as gate\n"
        "def boom(*a, **k): raise KeyError('simulated bug')\n"
        "gate.evaluate = boom\n"
        "sys.argv = ['tierform', 'policy']\n"
        "from tierform.cli import main; main()\n"
    )

    def run_injected(**env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", inject],
            cwd=tmp_path,
            env=tool_env(TIERFORM_CHECKOV=str(quiet), **env),
            capture_output=True,
            text=True,
            timeout=HANG_GUARD,
        )

    result = run_injected()
    assert_refused(result, "internal error: KeyError", "this is a bug")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" in run_injected(TIERFORM_DEBUG="1").stderr  # for whoever fixes it


# from tests/unit/test_plan_summary_status.py
def test_make_plan_summary_with_no_plan_files_and_with_status_only_tiers(tmp_path):
    def make(plans):
        return subprocess.run(
            ["make", "--no-print-directory", "plan-summary", f"PLANS={plans}"],
            cwd=REPO, env=tool_env(), capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    empty = tmp_path / "none"
    result = make(empty)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No tier was planned" in (empty / "summary.md").read_text()
    failed = tmp_path / "failed"
    write_status(failed, TierStatus("prod", FAILED, "Error: Failed to query available provider"))
    result = make(failed)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| **prod** | ❌ failed: `Error: Failed to query" in (failed / "summary.md").read_text()


# --- every command through its real entry point (tests/unit runs them in-process) ---------


def _leaf_commands() -> list[tuple[str, ...]]:
    """Every command of `python -m tierform`, as the words that name it (groups expanded)."""
    import typer.main

    from tierform.cli import app

    def walk(group, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
        found = []
        for name, command in sorted(group.commands.items()):
            if hasattr(command, "commands"):
                found += walk(command, (*prefix, name))
            else:
                found.append((*prefix, name))
        return found

    return walk(typer.main.get_command(app), ())


# Placeholder values for the required options, so the command gets as far as its config.
_REQUIRED = {"--tier": "local", "--event": "push", "--stack": "dev-alice", "--commit": "0" * 40,
             "--repo": "o/r", "--pr": "1", "--title": "t", "--body-file": "body.md",
             "--plan": "local=plan.json", "--job": "plan"}  # fmt: skip


@pytest.mark.parametrize("words", _leaf_commands(), ids=" ".join)
def test_every_command_answers_through_python_m_tierform(words, tmp_path):
    """`python -m tierform …` as CI runs it: each command's help, and each command that takes
    --config, given a missing one, answers without a traceback (exit 2 naming it, when it
    reads the config first)."""
    import typer.main

    from tierform.cli import app

    helped = subprocess.run(
        [sys.executable, "-m", "tierform", *words, "--help"],
        cwd=REPO, env=tool_env(), capture_output=True, text=True, timeout=HANG_GUARD,
    )  # fmt: skip
    assert helped.returncode == 0, helped.stderr
    assert "Usage:" in helped.stdout and words[-1] in helped.stdout
    command = typer.main.get_command(app)
    for word in words:
        command = command.commands[word]
    options = {opt for param in command.params for opt in param.opts}
    if "--config" not in options:
        return
    required = [p.opts[0] for p in command.params if p.required]
    args = [part for opt in required for part in (opt, _REQUIRED[opt])]
    missing = tmp_path / "no-such-config"
    result = subprocess.run(
        [sys.executable, "-m", "tierform", *words, *args, "--config", str(missing)],
        cwd=tmp_path, env=tool_env(), capture_output=True, text=True, timeout=HANG_GUARD,
    )  # fmt: skip
    # Most read the config first and name it; a few look at their own input first
    # (drift: the synthesized stack; plan-summary: the plans, none here) and answer that.
    assert "Traceback" not in result.stderr
    if "no-such-config" in result.stderr:
        assert result.returncode == 2, result.stderr
    else:
        assert result.returncode in (0, 1, 2) and (result.stdout or result.stderr), words
