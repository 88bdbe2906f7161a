"""Release steps in the synthesized stacks: addresses, triggers, order (depends_on), the
command, and which tiers have which step. cdktf synth for real; nothing is applied here."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import cdktf
import pytest
from support import (
    EXAMPLE_CONFIG,
    REPO,
    copy_config,
    edit_yaml,
    run_synth_in_process,
    stack_json,
)

from tierform.config import ConfigError, load_platform
from tierform.constructs.props import ReleaseStepProps
from tierform.constructs.release import release_command
from tierform.release.artifact import artifact_files, artifact_sha256
from tierform.release.content import content_sha256
from tierform.release.triggers import tier_triggers
from tierform.stacks.tier_stack import TierStack


@pytest.fixture(scope="module")
def platform():
    return load_platform(EXAMPLE_CONFIG)


@pytest.fixture(scope="module")
def stacks(platform):
    app = cdktf.App(stack_traces=False)
    built = {
        name: TierStack(app, tier, release=tier_triggers(platform, tier))
        for name, tier in platform.tiers.items()
    }
    return {name: json.loads(cdktf.Testing.synth(stack)) for name, stack in built.items()}, built


def steps(synth: dict) -> dict:
    return synth.get("resource", {}).get("terraform_data", {})


def test_local_tier_has_dbt_then_dags_at_stable_addresses(stacks):
    synth, built = stacks
    local = steps(synth["local"])
    assert set(local) == {"release_dbt", "release_dags"}
    assert local["release_dags"]["depends_on"] == ["terraform_data.release_dbt"]
    assert "depends_on" not in local["release_dbt"]  # the local tier has no infrastructure
    assert built["local"].release_dbt.address == "terraform_data.release_dbt"
    assert built["local"].release_dags.address == "terraform_data.release_dags"


def test_triggers_are_a_flat_map_of_names_to_strings(stacks, platform):
    synth, _ = stacks
    dbt = steps(synth["local"])["release_dbt"]["triggers_replace"]
    dags = steps(synth["local"])["release_dags"]["triggers_replace"]
    assert set(dbt) == {"content_sha256", "tier", "target", "tool_versions"}
    assert set(dags) == {"content_sha256", "tier", "target_sha256", "tool_versions"}
    for triggers in (dbt, dags):
        assert all(isinstance(v, str) for v in triggers.values())
        assert re.fullmatch(r"[0-9a-f]{64}", triggers["content_sha256"])
    assert dbt["content_sha256"] == content_sha256(REPO / "examples" / "dbt")
    # The DAG step ships the whole artifact: DAGs, the dbt project they run, requirements.
    assert dags["content_sha256"] == artifact_sha256(
        artifact_files(platform, platform.tier("local"))
    )
    assert dags["content_sha256"] != content_sha256(REPO / "examples" / "dags")
    assert dbt["tier"] == "local" and dbt["target"] == "local"
    assert re.fullmatch(r"dbt-core \d+\.\d+, dbt-duckdb \d+\.\d+", dbt["tool_versions"])
    assert re.fullmatch(r"apache-airflow \d+\.\d+", dags["tool_versions"])


def test_dbt_step_waits_for_the_snowflake_environment(stacks):
    synth, built = stacks
    prod = steps(synth["prod"])["release_dbt"]
    expected = {
        f"{r.terraform_resource_type}.{r.friendly_unique_id}"
        for r in built["prod"].snowflake.release_dependencies
    }
    assert set(prod["depends_on"]) == expected
    for needed in (
        "snowflake_warehouse.warehouses",
        "snowflake_database.databases",
        "snowflake_account_role.functional",
        "snowflake_service_user.service",
    ):
        assert needed in prod["depends_on"]
    assert prod["triggers_replace"]["tool_versions"].startswith("dbt-core ")
    assert "dbt-snowflake" in prod["triggers_replace"]["tool_versions"]


def test_tier_without_airflow_has_no_dag_step(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(config / "tiers" / "dev.yaml", lambda d: d.update(airflow=None))
    platform = load_platform(config)
    dev = platform.tier("dev")
    stack = TierStack(cdktf.App(stack_traces=False), dev, release=tier_triggers(platform, dev))
    assert "release_dags" not in steps(json.loads(cdktf.Testing.synth(stack)))
    assert stack.release_dags is None
    assert stack.release_dbt is not None


def test_prod_dag_step_waits_for_the_mwaa_environment(stacks):
    synth, _ = stacks
    after = steps(synth["prod"])["release_dags"]["depends_on"]
    assert "terraform_data.release_dbt" in after
    assert "aws_mwaa_environment.airflow" in after


def test_command_runs_the_release_cli_without_machine_paths(stacks):
    synth, _ = stacks
    command = steps(synth["local"])["release_dbt"]["provisioner"][0]["local-exec"]["command"]
    assert command == release_command("dbt", "local")
    assert "-m tierform.release dbt --tier local" in command
    # `$${` is Terraform's escape: the shell receives ${TIERFORM_ROOT:-../../..}
    assert "$${TIERFORM_ROOT:-../../..}" in command
    assert "$${TIERFORM_PYTHON:-.venv/bin/python}" in command
    text = json.dumps(synth)
    assert str(REPO) not in text
    assert "/home/" not in text and "/tmp/" not in text


def test_switching_a_step_off_removes_it(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "local.yaml", lambda d: d.update(release={"dags": {"enabled": False}})
    )
    outdir = tmp_path / "out"
    result = run_synth_in_process(config, outdir, TIERFORM_TIERS="local")
    assert result.returncode == 0, result.stderr
    assert set(steps(stack_json(outdir, "local"))) == {"release_dbt"}


def test_platform_without_release_section_has_no_steps(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(config / "platform.yaml", lambda d: (d.pop("release"), d.pop("ci", None)))
    outdir = tmp_path / "out"
    result = run_synth_in_process(config, outdir, TIERFORM_TIERS="local,prod")
    assert result.returncode == 0, result.stderr
    assert steps(stack_json(outdir, "local")) == {}
    # no dbt or DAG step; the Git folders refresh comes with databricks.git_folders
    assert set(steps(stack_json(outdir, "prod"))) == {"release_git_folders"}


def test_dbt_target_can_be_named_per_tier(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "staging.yaml", lambda d: d.update(release={"dbt": {"target": "prod"}})
    )
    outdir = tmp_path / "out"
    assert run_synth_in_process(config, outdir, TIERFORM_TIERS="staging").returncode == 0
    assert (
        steps(stack_json(outdir, "staging"))["release_dbt"]["triggers_replace"]["target"] == "prod"
    )


def test_synth_is_identical_from_two_checkouts(tmp_path):
    """A laptop and CI check the repository out in different places: same JSON, same plan."""
    outputs = []
    for place in ("laptop/src/northwind", "ci/runner/_work/northwind"):
        root = tmp_path / place
        root.mkdir(parents=True)
        config = copy_config(root)
        outdir = root / "cdktf.out"
        # local (release steps only) and prod (every kind of resource) stand for the rest
        result = run_synth_in_process(config, outdir, cwd=root, TIERFORM_TIERS="local,prod")
        assert result.returncode == 0, result.stderr
        outputs.append(
            {
                p.parent.name: p.read_text()
                for p in sorted((outdir / "stacks").glob("*/cdk.tf.json"))
            }
        )
        for text in outputs[-1].values():
            assert str(root) not in text
    assert outputs[0] == outputs[1]


def test_astronomer_dag_step_gets_the_deployment_id_from_the_stack(tmp_path):
    """The DAG step of an Astronomer tier learns which deployment to deploy to from the
    deployment the same stack creates (a reference, not a secret; the token comes from
    ASTRO_API_TOKEN in the deploying environment)."""
    astro = {
        "flavor": "astronomer",
        "organization_id": "clorg",
        "workspace_id": "clws",
        "cloud_provider": "AWS",
        "region": "us-east-1",
        "runtime_version": "3.0-1",
    }
    config = copy_config(tmp_path)
    edit_yaml(config / "tiers" / "prod.yaml", lambda d: d.update(airflow=astro))
    edit_yaml(config / "tiers" / "staging.yaml", lambda d: d.update(airflow=None))
    platform = load_platform(config)
    prod = platform.tier("prod")
    stack = TierStack(cdktf.App(stack_traces=False), prod, release=tier_triggers(platform, prod))
    step = steps(json.loads(cdktf.Testing.synth(stack)))["release_dags"]
    local_exec = step["provisioner"][0]["local-exec"]
    assert local_exec["environment"] == {"ASTRO_DEPLOYMENT_ID": "${astro_deployment.airflow.id}"}
    assert "astro_deployment.airflow" in step["depends_on"]
    # the dbt step needs nothing from Airflow
    assert (
        "environment"
        not in steps(json.loads(cdktf.Testing.synth(stack)))["release_dbt"]["provisioner"][0][
            "local-exec"
        ]
    )


def test_synth_runs_no_terraform_and_needs_none_on_path(tmp_path):
    """cdktf's own `DataResource` ran `terraform version` once per release step on every
    synth and failed without Terraform on PATH; the steps' `terraform_data` is our typed
    block (constructs/release/terraform_data.py), so a synth starts no Terraform at all."""
    import shutil

    from support import run_synth

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("node", "git"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    calls = tmp_path / "terraform-calls"
    shim = bin_dir / "terraform"
    shim.write_text(f'#!/bin/sh\necho "$*" >> {calls}\nexit 1\n')
    shim.chmod(0o755)
    done = run_synth(
        EXAMPLE_CONFIG, tmp_path / "out", PATH=f"{bin_dir}:/bin", TIERFORM_TIERS="local"
    )
    assert done.returncode == 0, done.stderr
    assert not calls.exists(), calls.read_text()
    steps = stack_json(tmp_path / "out", "local")["resource"]["terraform_data"]
    assert set(steps) == {"release_dbt", "release_dags"}
    assert all(step["provisioner"][0]["local-exec"]["command"] for step in steps.values())


def _addresses(resources) -> set[str]:
    return {f"{r.terraform_resource_type}.{r.friendly_unique_id}" for r in resources}


def test_dbt_step_on_databricks_waits_for_the_databricks_environment(tmp_path):
    # helix's qa has Snowflake and Databricks; pointed at a Databricks target, its dbt build
    # needs the catalog, schemas, grants and SQL warehouse on the first apply, not Snowflake.
    from support import helix_with_databricks_dbt

    root = helix_with_databricks_dbt(tmp_path)
    platform = load_platform(root / "config")
    qa = platform.tier("qa")
    triggers = tier_triggers(platform, qa)
    assert triggers.dbt_adapter == "databricks"
    stack = TierStack(cdktf.App(stack_traces=False), qa, release=triggers)
    after = set(steps(json.loads(cdktf.Testing.synth(stack)))["release_dbt"]["depends_on"])
    assert after == _addresses(stack.databricks.release_dependencies)
    types = {a.split(".")[0] for a in after}
    # helix shares one catalog across tiers (layout: shared), so qa makes its schemas only.
    needed = {"databricks_schema", "databricks_grants", "databricks_service_principal"}
    if qa.databricks.sql_warehouses:
        needed.add("databricks_sql_endpoint")
    if qa.databricks.catalog.layout == "per_tier":
        needed.add("databricks_catalog")
    assert needed <= types, sorted(after)
    assert not any(t.startswith("snowflake_") for t in types)


def test_dbt_step_of_unknown_adapter_waits_for_every_environment(platform):
    # A composed stack given its own triggers (no adapter): wait for all the tier has.
    from tierform.release.triggers import StepTriggers

    prod = platform.tier("prod")
    stack = TierStack(cdktf.App(stack_traces=False), prod, release=StepTriggers(dbt={"sha": "x"}))
    after = set(steps(json.loads(cdktf.Testing.synth(stack)))["release_dbt"]["depends_on"])
    expected = _addresses(stack.snowflake.release_dependencies)
    if stack.databricks is not None:
        expected |= _addresses(stack.databricks.release_dependencies)
    assert after == expected and stack.snowflake is not None


def test_stack_root_follows_a_nested_outdir_and_never_writes_a_machine_path(tmp_path, monkeypatch):
    from tierform.constructs.release.step import stack_root

    monkeypatch.chdir(tmp_path)  # a relative outdir is the working directory's
    assert stack_root("cdktf.out", tmp_path) == "../../.."
    assert stack_root("build/tf/cdktf.out", tmp_path) == "../../../../.."
    assert stack_root(tmp_path / "a" / "cdktf.out", tmp_path) == "../../../.."
    assert stack_root("a/../cdktf.out", tmp_path) == "../../.."
    # Outside the repository: the default (the step then needs $TIERFORM_ROOT).
    assert stack_root("/elsewhere/cdktf.out", tmp_path) == "../../.."
    assert stack_root("../cdktf.out", tmp_path) == "../../.."
    # Started in a subfolder of the root (a project folder): the stacks still reach it.
    (tmp_path / "helix").mkdir()
    monkeypatch.chdir(tmp_path / "helix")
    assert stack_root("cdktf.out", tmp_path) == "../../../.."


def test_a_nested_cdktf_outdir_gives_the_steps_the_root_from_there(tmp_path):
    # CDKTF_OUTDIR=build/tf/cdktf.out: local-exec runs in build/tf/cdktf.out/stacks/local.
    config = copy_config(tmp_path)
    result = run_synth_in_process(
        config, tmp_path / "build/tf/cdktf.out", cwd=tmp_path, TIERFORM_TIERS="local"
    )
    assert result.returncode == 0, result.stderr
    local = steps(stack_json(tmp_path / "build/tf/cdktf.out", "local"))
    for step in ("release_dbt", "release_dags"):
        command = local[step]["provisioner"][0]["local-exec"]["command"]
        assert command.startswith('cd "$${TIERFORM_ROOT:-../../../../..}" && '), command
        assert (tmp_path / "build/tf/cdktf.out/stacks/local" / "../../../../..").resolve() == (
            tmp_path.resolve()
        )
    # The local backend starts from the same root: state stays in the repository's
    # .tierform/state, where every other command looks, not in build/.tierform/state.
    stack = stack_json(tmp_path / "build/tf/cdktf.out", "local")
    state = stack["terraform"]["backend"]["local"]["path"]
    assert state == "../../../../../.tierform/state/local.tfstate", state
    assert (tmp_path / "build/tf/cdktf.out/stacks/local" / state).resolve() == (
        tmp_path.resolve() / ".tierform/state/local.tfstate"
    )


def test_a_sandbox_stack_on_a_local_backend_keeps_its_state_in_the_repository(tmp_path):
    # A sandbox stack has no release steps, but its local state path must start from the
    # same root as its tier's (CDKTF_OUTDIR=build/tf/cdktf.out).
    config = copy_config(tmp_path)
    dev = config / "tiers" / "dev.yaml"
    dev.write_text(
        dev.read_text().replace(
            "extends: staging\n", "extends: staging\nbackend:\n  type: local\n", 1
        )
    )
    # A laptop tier: one that CI deploys may not keep its state in the checkout.
    edit_yaml(config / "platform.yaml", lambda d: d["promotion"]["tiers"].pop("dev"))
    outdir = tmp_path / "build/tf/cdktf.out"
    result = run_synth_in_process(config, outdir, cwd=tmp_path, TIERFORM_TIERS="dev")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((outdir / "manifest.json").read_text())
    sandboxes = [name for name in manifest["stacks"] if name.startswith("dev-")]
    assert sandboxes, manifest["stacks"].keys()
    for name in ["dev", *sandboxes]:
        state = stack_json(outdir, name)["terraform"]["backend"]["local"]["path"]
        assert (outdir / "stacks" / name / state).resolve() == (
            tmp_path.resolve() / ".tierform/state" / f"{name}.tfstate"
        ), (name, state)


def test_the_steps_name_the_config_folder_they_were_synthesized_from(tmp_path, monkeypatch):
    from tierform.constructs.release.step import release_config_folder

    root = tmp_path / "repo"
    assert release_config_folder(root / "platforms/zeta/config", root) == ("platforms/zeta/config")
    root.mkdir()
    monkeypatch.chdir(root)  # a relative config folder is the working directory's
    assert release_config_folder("config", root) == "config"
    # Outside the repository, or not a plain path: no machine path in the stack; the steps
    # read TIERFORM_CONFIG at apply instead.
    assert release_config_folder(tmp_path / "elsewhere" / "config", root) is None
    assert release_config_folder(root / "my config", root) is None
    assert release_config_folder(root / "a$b", root) is None
    with pytest.raises(ConfigError, match=re.escape("config: '../config' does not match")):
        ReleaseStepProps(step="dbt", tier="dev", triggers={}, config="../config")


def test_a_synth_started_in_the_project_subfolder_points_at_the_git_root(tmp_path):
    """A monorepo keeps the platform in proj/ and the synth runs there (a cdktf.json in
    proj/): the steps and the local state still start from the git root, where `.venv`,
    `.tierform/` and every other command are, not from proj/."""
    project = tmp_path / "proj"
    config = copy_config(project)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    result = run_synth_in_process(
        Path("config"), Path("cdktf.out"), cwd=project, TIERFORM_TIERS="local"
    )
    assert result.returncode == 0, result.stderr
    assert config.is_dir()
    stack = stack_json(project / "cdktf.out", "local")
    folder = project / "cdktf.out" / "stacks" / "local"
    command = steps(stack)["release_dbt"]["provisioner"][0]["local-exec"]["command"]
    assert command.startswith('cd "$${TIERFORM_ROOT:-../../../..}" && '), command
    state = stack["terraform"]["backend"]["local"]["path"]
    assert (folder / state).resolve() == tmp_path.resolve() / ".tierform/state/local.tfstate"


def test_an_outdir_outside_the_root_keeps_local_state_in_the_root(tmp_path):
    """CDKTF_OUTDIR outside the repository: no relative path leads back, so the local state
    path is the root's own, written out (the steps need $TIERFORM_ROOT there, as before)."""
    repo = tmp_path / "repo"
    copy_config(repo)
    outside = tmp_path / "elsewhere" / "out"
    result = run_synth_in_process(Path("config"), outside, cwd=repo, TIERFORM_TIERS="local")
    assert result.returncode == 0, result.stderr
    state = stack_json(outside, "local")["terraform"]["backend"]["local"]["path"]
    assert state == str(repo.resolve() / ".tierform/state/local.tfstate"), state
