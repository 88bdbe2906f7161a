"""dbt adapters: the ones Tierform ships are installed and recorded in the dbt step's
trigger; a dbt_core target whose adapter is not installed is refused at validation (one
line: profiles.yml, the target's `type`, what to do), and only where dbt itself is installed
(the light CI install validates without dbt). tierform/config/dbt_adapters.py."""

from __future__ import annotations

import importlib.util
import shutil
import tomllib
from pathlib import Path

import pytest
from support import (
    HELIX_ROOT,
    REPO,
    edit_yaml,
    helix_with_databricks_dbt,
    run_synth_in_process,
    run_tierform_in_process,
    stack_json,
)

from tierform.config import dbt_adapters
from tierform.config.dbt_adapters import SHIPPED_ADAPTERS, adapter_distribution

PROFILES = "dbt/profiles/profiles.yml"  # helix's, as shown from its root


def test_shipped_adapters_are_the_release_extras_and_installed():
    release = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["release"]
    adapters = [r.split("~")[0].split(">")[0].split("=")[0] for r in release]
    adapters = [name for name in adapters if name.startswith("dbt-") and name != "dbt-core"]
    assert adapters == [adapter_distribution(a) for a in SHIPPED_ADAPTERS]
    for adapter in SHIPPED_ADAPTERS:  # what `make setup` installs (requirements/tierform.lock)
        assert importlib.util.find_spec(f"dbt.adapters.{adapter}") is not None, adapter


def test_databricks_target_validates_and_its_trigger_records_the_adapter(tmp_path: Path):
    root = helix_with_databricks_dbt(tmp_path)
    done = run_tierform_in_process("validate", "--config", "config", cwd=root)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "cdktf.out"
    synth = run_synth_in_process(root / "config", out, cwd=root, TIERFORM_TIERS="qa")
    assert synth.returncode == 0, synth.stderr
    triggers = stack_json(out, "qa")["resource"]["terraform_data"]["release_dbt"]
    versions = triggers["triggers_replace"]["tool_versions"]
    # major.minor of the installed packages; "dbt-databricks absent" before it was shipped.
    assert versions.startswith("dbt-core 1.11, ") and versions.endswith("dbt-databricks 1.11")


def _helix_with_bigquery_target(dest: Path, *tiers: str) -> Path:
    """helix with a target bq_qa of an adapter not shipped, which `tiers` build with."""
    root = dest / "helix"
    shutil.copytree(HELIX_ROOT, root)
    profiles = root / PROFILES
    profiles.write_text(
        profiles.read_text()
        + "    bq_qa:\n      type: bigquery\n      method: oauth\n      project: helix-qa\n"
        + "      dataset: core\n"
    )
    for tier in tiers:
        edit_yaml(
            root / f"config/tiers/{tier}.yaml",
            lambda d: d["release"]["dbt"].update(target="bq_qa"),
        )
    return root


@pytest.fixture
def helix_on_bigquery(tmp_path: Path) -> Path:
    """qa and dev (both dbt_core) build with bq_qa."""
    return _helix_with_bigquery_target(tmp_path, "qa", "dev")


BIGQUERY_REFUSED = (
    f"{PROFILES}: helix_wh.outputs.bq_qa.type: adapter 'bigquery' is not installed (package "
    "dbt-bigquery); Tierform ships dbt-duckdb, dbt-snowflake and dbt-databricks; add the "
    "package to pyproject.toml's release extra and run `make lock`"
)


def test_an_adapter_not_installed_is_refused_once_naming_profiles_and_the_field(
    helix_on_bigquery,
):
    result = run_tierform_in_process("validate", "--config", "config", cwd=helix_on_bigquery)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    # Two tiers build with the target: one line, where the mistake is.
    assert result.stderr.splitlines() == [BIGQUERY_REFUSED]


def _without_dbt(name: str, package: str | None = None):
    """find_spec where dbt is not installed: the parent `dbt` is missing."""
    if name == "dbt" or name.startswith("dbt."):
        raise ModuleNotFoundError(f"No module named {name.split('.')[0]!r}", name="dbt")
    return importlib.util.find_spec(name, package)


def test_not_refused_where_dbt_is_not_installed(helix_on_bigquery, monkeypatch):
    # The light CI install (requirements/light.txt) validates config without dbt.
    monkeypatch.setattr(dbt_adapters, "find_spec", _without_dbt)
    result = run_tierform_in_process("validate", "--config", "config", cwd=helix_on_bigquery)
    assert result.returncode == 0, result.stderr


def test_a_dbt_cloud_tier_is_not_checked(tmp_path: Path):
    # dbt Cloud builds remotely, with its own adapters: uat (runner dbt_cloud) may name any.
    root = _helix_with_bigquery_target(tmp_path, "uat")
    result = run_tierform_in_process("validate", "--config", "config", cwd=root)
    assert result.returncode == 0, result.stderr


def test_a_shipped_adapter_missing_here_says_to_run_setup(tmp_path: Path, monkeypatch):
    root = helix_with_databricks_dbt(tmp_path)

    def no_databricks(name: str, package: str | None = None):
        return None if name == "dbt.adapters.databricks" else importlib.util.find_spec(name)

    monkeypatch.setattr(dbt_adapters, "find_spec", no_databricks)
    result = run_tierform_in_process("validate", cwd=root)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{PROFILES}: helix_wh.outputs.lake_qa.type: adapter 'databricks' is not installed "
        "(package dbt-databricks), though Tierform ships it; run `make setup` (it installs "
        "requirements/tierform.lock)"
    ]


def test_a_target_without_type_is_refused(helix_on_bigquery):
    profiles = helix_on_bigquery / PROFILES
    profiles.write_text(profiles.read_text().replace("      type: bigquery\n", ""))
    result = run_tierform_in_process("validate", cwd=helix_on_bigquery)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{PROFILES}: helix_wh.outputs.bq_qa.type: expected the adapter type (duckdb, "
        "snowflake or databricks), got none; Tierform ships dbt-duckdb, dbt-snowflake and "
        "dbt-databricks"
    ]
