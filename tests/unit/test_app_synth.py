"""main.py run the way `cdktf synth` runs it: stacks, key resources, subsets, atomic output."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from support import EXAMPLE_CONFIG, run_synth_in_process, shared_synth, stack_json, tree_snapshot

from tierform.config import load_platform
from tierform.synth import count_resources


@pytest.fixture(scope="module")
def example_out(tmp_path_factory):
    """The run's one synth of the example (main(), as `cdktf synth` runs main.py), and its
    stderr; tests/integration/test_cdktf_cli_synth.py runs the real CLI."""
    outdir = shared_synth("example", tmp_path_factory)
    return outdir, SimpleNamespace(stderr=(outdir.parent / "synth.stderr").read_text())


def test_every_tier_and_sandbox_gets_a_stack(example_out):
    outdir, _ = example_out
    stacks = sorted(p.name for p in (outdir / "stacks").iterdir())
    assert stacks == ["dev", "dev-alice", "dev-bob", "local", "prod", "staging"]
    for stack in stacks:
        assert (outdir / "stacks" / stack / "cdk.tf.json").is_file()


def test_prevent_destroy_on_prod_databases_only(example_out):
    outdir, _ = example_out
    prod = stack_json(outdir, "prod")["resource"]["snowflake_database"]["databases"]
    assert prod["lifecycle"] == {"prevent_destroy": True}
    assert set(prod["for_each"]) == {"RAW", "ANALYTICS"}
    for tier in ("dev", "staging"):
        assert (
            "lifecycle"
            not in stack_json(outdir, tier)["resource"]["snowflake_database"]["databases"]
        )


def test_summary_on_stderr_counts_instances(example_out):
    outdir, result = example_out
    assert "synthesized 6 stack(s)" in result.stderr
    counts = count_resources(stack_json(outdir, "prod"))
    assert counts["snowflake_schema"] == 7
    assert counts["snowflake_warehouse"] == 3
    line = next(line for line in result.stderr.splitlines() if line.strip().startswith("prod "))
    assert f"{sum(counts.values())} resources" in line
    assert "snowflake_schema 7" in line


def test_databricks_part_on_every_cloud_tier_and_sandbox(example_out):
    """The example's minimum: a catalog with ≥ 3 schemas, a cluster policy, a SQL warehouse,
    a job with a notebook task and a dbt task, a service principal — on dev, staging, prod."""
    outdir, result = example_out
    for tier in ("dev", "staging", "prod"):
        counts = count_resources(stack_json(outdir, tier))
        assert counts["databricks_catalog"] == 1
        assert counts["databricks_schema"] >= 3
        assert counts["databricks_cluster_policy"] >= 1
        assert counts["databricks_sql_endpoint"] >= 1
        assert counts["databricks_service_principal"] == 1
        assert counts["databricks_job"] >= 1
        job = stack_json(outdir, tier)["resource"]["databricks_job"]["jobs"]
        tasks = job["for_each"]["NIGHTLY"]["tasks"]
        assert any(t["notebook"] for t in tasks) and any(t["dbt"] for t in tasks)
        line = next(x for x in result.stderr.splitlines() if x.strip().startswith(f"{tier} "))
        assert "databricks_job 1" in line
    for sandbox in ("dev-alice", "dev-bob"):
        assert count_resources(stack_json(outdir, sandbox))["databricks_schema"] == 1


def test_no_machine_path_in_output(example_out):
    outdir, _ = example_out
    from support import REPO

    for path in (outdir / "stacks").rglob("cdk.tf.json"):
        stack = json.loads(path.read_text())
        # The one exception: this outdir is outside the repository, so a local backend's
        # state path is the repository's own, written out (no relative path leads back).
        local = stack["terraform"].get("backend", {}).get("local")
        if local is not None:
            assert local.pop("path") == str(
                REPO / ".tierform/state" / f"{path.parent.name}.tfstate"
            )
        text = json.dumps(stack)
        assert str(REPO) not in text
        assert "/tmp/" not in text


def test_subset_selection_synthesizes_only_those_stacks(tmp_path):
    outdir = tmp_path / "out"
    result = run_synth_in_process(EXAMPLE_CONFIG, outdir, TIERFORM_TIERS="prod,local")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (outdir / "stacks").iterdir()) == ["local", "prod"]
    result = run_synth_in_process(EXAMPLE_CONFIG, outdir, TIERFORM_TIERS="dev")
    assert sorted(p.name for p in (outdir / "stacks").iterdir()) == ["dev", "dev-alice", "dev-bob"]


def test_failed_synth_leaves_previous_output(tmp_path, monkeypatch):
    """A failure after validation (here: a construct raising) must not touch cdktf.out."""
    from tierform.stacks import app as app_module

    outdir = tmp_path / "cdktf.out"
    assert run_synth_in_process(EXAMPLE_CONFIG, outdir, TIERFORM_TIERS="local").returncode == 0
    (outdir / "stacks" / "local" / ".terraform").mkdir()
    before = tree_snapshot(outdir)

    class Boom(Exception):
        pass

    def exploding_tier_stack(scope, tier, **_):
        raise Boom("construct failed")

    monkeypatch.setattr(app_module, "TierStack", exploding_tier_stack)
    platform = load_platform(EXAMPLE_CONFIG)
    with pytest.raises(Boom):
        app_module.synthesize_atomically(platform, outdir, list(platform.tiers.values()), [])
    assert tree_snapshot(outdir) == before
    assert not list(tmp_path.glob(".cdktf.out.*"))


def test_terraform_init_state_survives_resynth(tmp_path):
    outdir = tmp_path / "cdktf.out"
    assert run_synth_in_process(EXAMPLE_CONFIG, outdir, TIERFORM_TIERS="local").returncode == 0
    marker = outdir / "stacks" / "local" / ".terraform" / "marker"
    marker.parent.mkdir()
    marker.write_text("init")
    assert run_synth_in_process(EXAMPLE_CONFIG, outdir, TIERFORM_TIERS="local").returncode == 0
    assert marker.read_text() == "init"


def test_synth_creates_the_parents_of_its_output_folder(tmp_path):
    """CDKTF_OUTDIR may name a folder whose parents do not exist yet (a fresh runner's
    build/tf/cdktf.out): synth makes them, as the cdktf CLI does, instead of an internal error."""
    outdir = tmp_path / "build" / "tf" / "cdktf.out"
    result = run_synth_in_process(EXAMPLE_CONFIG, outdir, TIERFORM_TIERS="local")
    assert result.returncode == 0, result.stderr
    assert (outdir / "stacks" / "local" / "cdk.tf.json").is_file()
