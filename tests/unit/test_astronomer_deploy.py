"""Astronomer deploy modes (`airflow.deploy: image | dags | infer`) on the second platform's
Astronomer tier (helix `uat`, a copy per test).

The astro CLI cannot run here (it needs Docker and an Astronomer account), so a recording
stand-in `astro` on PATH logs every call (arguments, the project it was run in, the dotenv
file it was handed) and copies the build context it was given; the Dockerfile and the build
context are checked as files. The tier's release ledger is S3: moto's in-memory S3 (no AWS
account here) behind the real boto3 calls.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from support import HELIX_ROOT

from tierform.config import ConfigError, load_platform
from tierform.gitops.inputs import derive
from tierform.ledger import dag_records
from tierform.release.context import ReleaseError, load_context
from tierform.release.publishers import publisher_for
from tierform.release.publishers.astro_project import (
    build_project,
    dockerfile,
    image_sha256,
    runtime_image,
)
from tierform.release.publishers.astronomer import IMAGE_RECORDS, image_inputs

SECRET_VALUE = "-----fake-key-value-for-the-test-----"

STAND_IN = """
# Recording stand-in for the astro CLI: logs the call, copies what it was asked to deploy.
import json, os, shutil, sys
log, contexts = sys.argv[0] + ".calls.jsonl", sys.argv[0] + ".contexts"
args = sys.argv[1:]
call = {"args": args, "files": sorted(
    os.path.relpath(os.path.join(d, f)) for d, _, fs in os.walk(".") for f in fs)}
call["skip_parse_env"] = os.environ.get("ASTRONOMER_SKIP_PARSE")
if "--env" in args:
    call["env_file"] = open(args[args.index("--env") + 1]).read()
    call["env_file_mode"] = oct(os.stat(args[args.index("--env") + 1]).st_mode & 0o777)
if args[:1] == ["deploy"]:
    n = sum(1 for _ in open(log)) if os.path.exists(log) else 0
    shutil.copytree(".", os.path.join(contexts, str(n)))
    call["context"] = os.path.join(contexts, str(n))
with open(log, "a") as out:
    out.write(json.dumps(call) + "\\n")
sys.exit(int(os.environ.get("FAKE_ASTRO_EXIT", "0")))
"""


@pytest.fixture
def helix(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "helix"
    shutil.copytree(HELIX_ROOT, root)
    for name in ("TIERFORM_CONFIG", "TIERFORM_ROOT", "ASTRONOMER_SKIP_PARSE"):
        monkeypatch.delenv(name, raising=False)
    return root


@pytest.fixture
def astro(tmp_path: Path, monkeypatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "astro"
    # This interpreter, without site-packages: `/usr/bin/env python3` may be a version
    # manager's shim, and the stand-in runs 44 times in this file.
    script.write_text(f"#!{sys.executable} -S" + STAND_IN)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    for name, value in {
        "ASTRO_API_TOKEN": "fake-token",
        "ASTRO_DEPLOYMENT_ID": "clxuatdeployment",
        "HELIX_UAT_WAREHOUSE": "WH_UAT",
        "HELIX_UAT_AIRFLOW_KEY": SECRET_VALUE,
    }.items():
        monkeypatch.setenv(name, value)
    return script


@pytest.fixture
def s3():
    with mock_aws():
        boto3.client("s3", region_name="us-east-2").create_bucket(
            Bucket="helix-release-ledger",
            CreateBucketConfiguration={"LocationConstraint": "us-east-2"},
        )
        yield


def calls(astro: Path) -> list[dict]:
    log = Path(str(astro) + ".calls.jsonl")
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def deploys(astro: Path) -> list[dict]:
    return [c for c in calls(astro) if c["args"][:1] == ["deploy"]]


def release(tmp_path: Path, release_id: str, dag_text: str = "") -> Path:
    folder = tmp_path / "versions" / release_id
    folder.mkdir(parents=True)
    source = (HELIX_ROOT / "dags" / "helix_hello.py").read_text()
    (folder / "helix_hello.py").write_text(source + dag_text)
    manifest = {"release_id": release_id, "tier": "uat", "git_sha": "abc123"}
    (folder / "RELEASE.json").write_text(json.dumps(manifest))
    return folder


def publish(root: Path, folder: Path) -> str:
    ctx = load_context("uat", root)
    target = ctx.tier.airflow.dag_target("uat")
    return publisher_for(target, root).publish(folder)


def activate(root: Path, release_id: str) -> None:
    """What dag_release does after a successful publish: the release becomes active."""
    ledger = load_context("uat", root).ledger
    state = dag_records.read_state(ledger)
    state["releases"].append(release_id)
    state["history"].append(release_id)
    state["active"] = release_id
    dag_records.write_state(ledger, state)


# --- the image and its build context, as files --------------------------------------------


def test_build_context_holds_dockerfile_requirements_dbt_project_and_dags(helix, tmp_path):
    ctx = load_context("uat", helix)
    folder = release(tmp_path, "r1")
    project = tmp_path / "project"
    digest = build_project(image_inputs(ctx, ctx.tier.airflow), folder, project)

    assert (project / "Dockerfile").read_text() == (
        "# Generated by Tierform for tier uat; rebuilt on every image release.\n"
        "FROM astrocrpublic.azurecr.io/runtime:3.0-1\n"
        "# The dbt project the DAGs run, where they look for it.\n"
        "ENV DBT_PROJECT_DIR=/usr/local/airflow/include/dbt "
        "DBT_PROFILES_DIR=/usr/local/airflow/include/dbt_profiles\n"
        "ENV TIERFORM_TIER=uat\n"
    )
    assert (project / "requirements.txt").read_bytes() == (
        helix / "airflow-requirements.txt"
    ).read_bytes()
    assert (project / "packages.txt").read_text() == ""
    assert (project / "dags" / "helix_hello.py").is_file()
    assert json.loads((project / "dags" / "RELEASE.json").read_text())["release_id"] == "r1"
    assert (project / "include" / "dbt" / "dbt_project.yml").read_bytes() == (
        helix / "dbt" / "dbt_project.yml"
    ).read_bytes()
    assert (project / "include" / "dbt" / "models").is_dir()
    # helix keeps profiles.yml outside the project: it gets its own folder in the image.
    assert (project / "include" / "dbt_profiles" / "profiles.yml").read_bytes() == (
        helix / "dbt" / "profiles" / "profiles.yml"
    ).read_bytes()
    assert "skip_parse" not in (project / ".astro" / "config.yaml").read_text()
    assert digest == image_sha256(project)


def test_image_defaults_to_the_dag_releases_requirements(helix, tmp_path):
    """Without airflow.requirements the image installs release.dags.requirements, the file
    every DAG release ships: workers and image agree unless the tier says otherwise."""
    uat = helix / "config" / "tiers" / "uat.yaml"
    uat.write_text(uat.read_text().replace("  requirements: airflow-requirements.txt\n", ""))
    ctx = load_context("uat", helix)
    assert ctx.tier.airflow.requirements is None
    project = tmp_path / "project"
    build_project(image_inputs(ctx, ctx.tier.airflow), release(tmp_path, "r1"), project)
    assert (project / "requirements.txt").read_bytes() == (
        helix / "requirements" / "airflow.txt"
    ).read_bytes()


def test_image_digest_ignores_dags_and_follows_requirements(helix, tmp_path):
    ctx = load_context("uat", helix)
    inputs = image_inputs(ctx, ctx.tier.airflow)
    first = build_project(inputs, release(tmp_path, "r1"), tmp_path / "p1")
    other_dags = build_project(inputs, release(tmp_path, "r2", "# changed\n"), tmp_path / "p2")
    assert first == other_dags
    (helix / "airflow-requirements.txt").write_text("dbt-snowflake~=1.11.0\nrequests\n")
    assert build_project(inputs, release(tmp_path, "r3"), tmp_path / "p3") != first


def test_runtime_registries():
    assert runtime_image("3.0-1") == "astrocrpublic.azurecr.io/runtime:3.0-1"
    assert runtime_image("13.1.0") == "quay.io/astronomer/astro-runtime:13.1.0"


def test_dockerfile_without_dbt_project_sets_only_the_tier():
    from tierform.release.publishers.astro_project import ImageInputs

    text = dockerfile(ImageInputs("prod", "13.1.0", None, None, None))
    assert "FROM quay.io/astronomer/astro-runtime:13.1.0" in text
    assert "DBT_PROJECT_DIR" not in text


# --- deploy modes, through the recording stand-in -----------------------------------------


def test_infer_image_first_then_dags_only_then_image_when_requirements_change(
    helix, tmp_path, astro, s3
):
    # No active release: nothing known about the running image, so it is built.
    assert "image and DAGs" in publish(helix, release(tmp_path, "r1"))
    activate(helix, "r1")
    # Only a DAG file changed: DAGs only, astro's Docker parse skipped (our gate ran).
    assert "DAGs only" in publish(helix, release(tmp_path, "r2", "# new task\n"))
    activate(helix, "r2")
    # The requirements changed: the image again.
    (helix / "airflow-requirements.txt").write_text("dbt-snowflake~=1.11.0\nrequests\n")
    assert "image and DAGs" in publish(helix, release(tmp_path, "r3"))

    first, second, third = deploys(astro)
    assert first["args"] == ["deploy", "clxuatdeployment"]
    assert first["skip_parse_env"] is None  # image deploys run astro's own parse
    assert "Dockerfile" in first["files"] and "include/dbt/dbt_project.yml" in first["files"]
    assert second["args"] == ["deploy", "clxuatdeployment", "--dags"]
    assert second["skip_parse_env"] == "true"
    assert "# new task" in Path(second["context"], "dags", "helix_hello.py").read_text()
    assert "requests" in Path(third["context"], "requirements.txt").read_text()

    ledger = load_context("uat", helix).ledger
    records = {r: ledger.read_json(f"{IMAGE_RECORDS}/{r}.json") for r in ("r1", "r2", "r3")}
    assert [records[r]["mode"] for r in ("r1", "r2", "r3")] == ["image", "dags", "image"]
    # A DAG-only deploy runs on the image of the release before it.
    assert records["r2"]["image_sha256"] == records["r1"]["image_sha256"]
    assert records["r3"]["image_sha256"] != records["r1"]["image_sha256"]


@pytest.mark.parametrize("mode", ["image", "dags"])
def test_fixed_modes_ignore_what_changed(helix, tmp_path, astro, s3, mode):
    path = helix / "config" / "tiers" / "uat.yaml"
    path.write_text(path.read_text().replace("deploy: infer", f"deploy: {mode}"))
    for n in (1, 2):
        publish(helix, release(tmp_path, f"r{n}"))
        activate(helix, f"r{n}")
    flags = ["--dags" in c["args"] for c in deploys(astro)]
    assert flags == [mode == "dags"] * 2


def test_environment_variables_come_by_name_and_values_only_through_a_private_file(
    helix, tmp_path, astro, s3
):
    publish(helix, release(tmp_path, "r1"))
    variable_calls = [c for c in calls(astro) if c["args"][:2] == ["deployment", "variable"]]
    # Plain and secret variables in separate files; create (new keys), then update.
    assert [c["args"][2] for c in variable_calls] == ["create", "update", "create", "update"]
    plain, secret = variable_calls[0], variable_calls[2]
    assert "--secret" not in plain["args"] and plain["env_file"] == "HELIX_WAREHOUSE=WH_UAT\n"
    assert secret["args"][-1] == "--secret"
    assert secret["env_file"] == f"SNOWFLAKE_PRIVATE_KEY={SECRET_VALUE}\n"
    assert {c["env_file_mode"] for c in variable_calls} == {"0o600"}
    for call in variable_calls:
        assert call["args"][3:7] == ["--deployment-id", "clxuatdeployment", "--load", "--env"]
    # Never on a command line, and the files are gone.
    assert not any(SECRET_VALUE in " ".join(c["args"]) for c in calls(astro))
    assert not list(tmp_path.rglob(".tierform-astro-*.env"))
    # Variables are set before the deploy that needs them.
    assert calls(astro)[-1]["args"][0] == "deploy"


def test_a_missing_variable_value_names_the_ci_input_and_deploys_nothing(
    helix, tmp_path, astro, s3, monkeypatch
):
    monkeypatch.delenv("HELIX_UAT_AIRFLOW_KEY")
    with pytest.raises(ReleaseError, match="HELIX_UAT_AIRFLOW_KEY not set"):
        publish(helix, release(tmp_path, "r1"))
    assert calls(astro) == []


def test_a_failed_deploy_is_reported_and_records_nothing(helix, tmp_path, astro, s3, monkeypatch):
    monkeypatch.setenv("FAKE_ASTRO_EXIT", "3")
    with pytest.raises(ReleaseError, match=r"failed \(exit 3\)"):
        publish(helix, release(tmp_path, "r1"))
    ledger = load_context("uat", helix).ledger
    assert ledger.read_json(f"{IMAGE_RECORDS}/r1.json") is None


def test_without_the_cli_says_so(helix, tmp_path, monkeypatch, s3):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(ReleaseError, match="the astro CLI is not on PATH"):
        publish(helix, release(tmp_path, "r1"))


# --- config and derived inputs -------------------------------------------------------------


def _edit_uat(helix: Path, old: str, new: str) -> None:
    path = helix / "config" / "tiers" / "uat.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("deploy: infer", "deploy: sometimes", "airflow.deploy"),
        (
            "deploy: infer",
            "deploy: dags\n  is_dag_deploy_enabled: false",
            "airflow.deploy: 'dags' deploys DAG files on their own, which needs "
            "is_dag_deploy_enabled: true",
        ),
        (
            "requirements: airflow-requirements.txt",
            "requirements: missing.txt",
            "airflow.requirements: 'missing.txt' is not a file",
        ),
        (
            "{value_from: HELIX_UAT_WAREHOUSE}",
            "{value_from: not-a-name}",
            "airflow.environment_variables.HELIX_WAREHOUSE.value_from",
        ),
        (
            "{value_from: HELIX_UAT_WAREHOUSE}",
            "{value: WH_UAT}",
            "airflow.environment_variables.HELIX_WAREHOUSE.value: unknown key",
        ),
    ],
)
def test_bad_astronomer_settings_are_one_clear_line(helix, old, new, expected):
    _edit_uat(helix, old, new)
    with pytest.raises(ConfigError) as error:
        load_platform(helix / "config")
    message = str(error.value)
    assert "uat.yaml" in message and expected in message, message


def test_token_and_variable_sources_are_derived_inputs_of_the_apply_job(helix):
    platform = load_platform(helix / "config")
    inputs = {(i.name, i.kind): i.jobs for i in derive(platform, "uat", {}, helix)}
    assert inputs[("ASTRO_API_TOKEN", "secret")] == ("apply",)
    assert inputs[("HELIX_UAT_AIRFLOW_KEY", "secret")] == ("apply",)
    assert inputs[("HELIX_UAT_WAREHOUSE", "variable")] == ("apply",)


def test_the_dag_step_re_runs_when_the_image_inputs_change_and_never_holds_values(
    helix, monkeypatch
):
    from tierform.release.triggers import tier_triggers

    def triggers() -> dict:
        platform = load_platform(helix / "config")
        return tier_triggers(platform, platform.tiers["uat"]).dags

    monkeypatch.setenv("HELIX_UAT_AIRFLOW_KEY", SECRET_VALUE)
    first = triggers()
    assert SECRET_VALUE not in json.dumps(first)
    monkeypatch.setenv("HELIX_UAT_AIRFLOW_KEY", "another value")
    assert triggers() == first  # values are CI's business, not the plan's
    (helix / "airflow-requirements.txt").write_text("dbt-snowflake~=1.11.0\nrequests\n")
    changed = triggers()
    assert changed["astronomer_sha256"] != first["astronomer_sha256"]
    assert changed["content_sha256"] == first["content_sha256"]  # the DAGs did not change


# --- the setup action's astro CLI install ----------------------------------------------------


def _astro_install_step() -> dict:
    import yaml
    from support import REPO

    action = yaml.safe_load((REPO / ".github" / "actions" / "setup" / "action.yml").read_text())
    steps = [s for s in action["runs"]["steps"] if "astro CLI" in s.get("name", "")]
    assert len(steps) == 1
    return action, steps[0]


def _run_install(tmp_path: Path, sha256: str) -> tuple[int, Path]:
    """The step's script, with a stand-in curl serving a locally made release archive
    (no network here): what the runner does, minus the download."""
    import hashlib
    import subprocess
    import tarfile

    _, step = _astro_install_step()
    work = tmp_path / "work"
    (work / "bin").mkdir(parents=True)
    binary = work / "astro"
    binary.write_text("#!/bin/sh\necho 'Astro CLI Version: 1.14.1'\n")
    binary.chmod(0o755)
    archive = work / "release.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(binary, arcname="astro")
    curl = work / "bin" / "curl"
    # Stand-in for curl: copies the archive to the -o path.
    curl.write_text(f'#!/bin/sh\nwhile [ "$1" != -o ]; do shift; done\ncp {archive} "$2"\n')
    curl.chmod(0o755)
    runner_temp, github_path = tmp_path / "runner-temp", tmp_path / "github-path"
    runner_temp.mkdir()
    env = {
        "PATH": f"{work / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_PATH": str(github_path),
        "ASTRO_CLI_VERSION": "1.14.1",
        "ASTRO_CLI_SHA256": sha256 or hashlib.sha256(archive.read_bytes()).hexdigest(),
    }
    result = subprocess.run(["bash", "-c", step["run"]], env=env, capture_output=True, text=True)
    return result.returncode, runner_temp / "astro-cli" / "astro"


def test_setup_action_pins_the_astro_cli_release_and_its_checksum():
    action, step = _astro_install_step()
    inputs = action["inputs"]
    assert inputs["astro-cli-version"]["default"] == "1.14.1"
    assert len(inputs["astro-cli-sha256"]["default"]) == 64
    assert step["env"]["ASTRO_CLI_SHA256"] == "${{ inputs.astro-cli-sha256 }}"
    assert "sha256sum --check --strict" in step["run"]


def test_setup_action_installs_only_an_archive_matching_the_checksum(tmp_path):
    status, astro = _run_install(tmp_path / "good", "")
    assert status == 0 and astro.is_file()
    status, astro = _run_install(tmp_path / "bad", "0" * 64)
    assert status != 0 and not astro.exists()
