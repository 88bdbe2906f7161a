"""The real cdktf CLI on the example app, with every way of synthesizing the README
documents: a subset synth after a full one (the CLI lists every stack folder first and
removes the ones the app no longer produces), repeated synths, `--skip-synth`. The plan
`cdktf diff` saves stays in the stack folder until the next `cdktf diff`."""

from __future__ import annotations

import json
import subprocess

import pytest
from release_support import make_repo_copy
from support import REPO, tool_env

pytestmark = pytest.mark.integration


def test_cdktf_diff_after_full_subset_and_repeated_synths(tmp_path):
    repo = make_repo_copy(tmp_path)
    cdktf = str(repo.root / "node_modules" / ".bin" / "cdktf")
    stacks = repo.root / "cdktf.out" / "stacks"
    plan = repo.stack_dir / "plan"

    def cli(*args: str, **env: str):
        result = repo.run(cdktf, *args, "--no-color", CI="true", **env)
        assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
        return result

    repo.synth(TIERFORM_TIERS="")  # everything
    assert (stacks / "dev").is_dir() and (stacks / "prod").is_dir()
    # The CLI lists dev, prod, … then the app synthesizes only local (TIERFORM_TIERS=local).
    cli("diff", "local")
    assert plan.is_file()
    assert sorted(p.name for p in stacks.iterdir()) == ["local"]  # removed by the CLI
    saved = plan.read_bytes()

    repo.synth()  # a repeated subset synth (`TIERFORM_TIERS=local make synth`)
    repo.synth(TIERFORM_TIERS="")  # a full synth
    assert plan.read_bytes() == saved  # kept until the next `cdktf diff`
    repo.synth()  # subset after full, then the CLI synthesizes everything itself
    cli("diff", "local", TIERFORM_TIERS="")
    assert (stacks / "dev").is_dir() and plan.is_file()
    cli("diff", "local", "--skip-synth")

    show = repo.terraform("show", "-json", "plan")
    assert show.returncode == 0, show.stderr
    actions = {
        c["address"]: c["change"]["actions"] for c in json.loads(show.stdout)["resource_changes"]
    }
    assert actions == {
        "terraform_data.release_dbt": ["create"],
        "terraform_data.release_dags": ["create"],
    }


@pytest.mark.parametrize("command", ["diff", "deploy"])
def test_the_cli_reads_a_stack_named_help_as_its_help_command(tmp_path, command):
    # Why tierform.config.base.CDKTF_RESERVED_STACK_NAMES holds `help`: the command never
    # runs (an app that cannot start is not even launched), yet the exit code is 0.
    (tmp_path / "cdktf.json").write_text('{"app": "false", "language": "python"}')

    result = subprocess.run(
        [str(REPO / "node_modules" / ".bin" / "cdktf"), command, "help"],
        cwd=tmp_path,
        env=tool_env(CI="true"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"cdktf {command} [stack" in result.stdout
