"""cdktf's own construct validations failing a synth (its HCP Terraform `cloud` backend runs
`terraform version`): one line per construct and exit 2, not "internal error, this is a bug",
and the previous output untouched. Real cdktf synth; only PATH is narrowed."""

from __future__ import annotations

import shutil
from pathlib import Path

from support import HELIX_CONFIG, run_synth, tree_snapshot

from tierform.synth import validation_errors

# As cdktf 0.21 words it (two constructs, each with execSync's multi-line error; a `[WARN]`
# line inside an error's text is not a construct).
_MESSAGE = (
    "Error: Validation failed with the following errors:\n"
    "  [prod/backend] Could not determine version of terraform, terraform version failed: "
    "Error: Command failed: terraform version\n[WARN] /bin/sh: 1: terraform: not found\n"
    "  [prod/release_dbt/step] Could not determine version of terraform\n\n"
    "If you wish to ignore these validations, pass 'skipValidation: true' to your App "
    "configuration."
)


def test_each_missing_binary_is_one_line_naming_its_construct():
    assert validation_errors(_MESSAGE) == [
        "prod/backend: Could not determine version of terraform, terraform version failed: "
        "Error: Command failed: terraform version [WARN] /bin/sh: 1: terraform: not found",
        "prod/release_dbt/step: Could not determine version of terraform",
    ]
    assert validation_errors("Error: something else [a/b] broke") == []


def test_any_other_validation_error_is_left_to_the_guard_as_a_bug():
    other = (
        "Error: Validation failed with the following errors:\n"
        "  [prod/backend] Could not determine version of terraform\n"
        "  [prod/snowflake/databases] Found resources without a matching provider construct."
    )
    assert validation_errors(other) == []


def test_a_cloud_backend_without_terraform_on_path_is_exit_2_with_the_construct(tmp_path: Path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("node", "git"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    # First on PATH, whatever /bin holds on this machine: Terraform is not there.
    shim = bin_dir / "terraform"
    shim.write_text("#!/bin/sh\necho 'terraform: not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    outdir = tmp_path / "out"
    (outdir / "stacks" / "prod").mkdir(parents=True)
    (outdir / "stacks" / "prod" / "cdk.tf.json").write_text("{}")
    before = tree_snapshot(outdir)
    # helix's prod keeps its state in HCP Terraform: cdktf's CloudBackend asks for Terraform.
    done = run_synth(HELIX_CONFIG, outdir, PATH=f"{bin_dir}:/bin", TIERFORM_TIERS="prod")
    assert done.returncode == 2, done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert "cdktf's validation failed (1 error(s)" in done.stderr
    assert "prod/backend: Could not determine version of terraform" in done.stderr
    assert tree_snapshot(outdir) == before
