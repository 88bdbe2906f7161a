"""The release steps load the configuration the stack was synthesized from, whatever
TIERFORM_CONFIG the applying shell has.

A platform whose config is not `config/` (here helix, copied to `platforms/helix/config`
of a repository copy that also holds the example's `config/`) is synthesized with
TIERFORM_CONFIG set; a later `terraform apply` in a shell without it (another terminal, a
CI job that applies the saved plan) used to run the release against `config/`, another
platform. Real synth, Terraform, dbt (DuckDB).
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from release_support import make_repo_copy
from support import HELIX_ROOT

pytestmark = pytest.mark.integration


def test_an_apply_without_tierform_config_releases_the_synthesized_platform(tmp_path):
    repo = make_repo_copy(tmp_path)
    shutil.copytree(HELIX_ROOT, repo.root / "platforms" / "helix")
    # A checkout: the repository root of `platforms/helix/config`, where `.tierform/` lives.
    subprocess.run(["git", "init", "-q", str(repo.root)], check=True)
    repo.synth(TIERFORM_CONFIG="platforms/helix/config")
    stack = json.loads((repo.stack_dir / "cdk.tf.json").read_text())
    step = stack["resource"]["terraform_data"]["release_dbt"]
    assert step["provisioner"][0]["local-exec"]["environment"]["TIERFORM_CONFIG"] == (
        "platforms/helix/config"
    )

    init = repo.terraform("init", "-input=false")
    assert init.returncode == 0, init.stdout + init.stderr
    applied = repo.terraform("apply", "-auto-approve", "-input=false")  # no TIERFORM_CONFIG
    assert applied.returncode == 0, (applied.stdout + applied.stderr)[-4000:]
    # helix's local tier builds its dbt target `laptop`; the example's would be `local`.
    last = json.loads((repo.ledger_dir / "dbt" / "laptop" / "last.json").read_text())
    assert last["success"] is True and last["target"] == "laptop", last
    assert not (repo.ledger_dir / "dbt" / "local").exists()
