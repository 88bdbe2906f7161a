"""The Airflow a tier's environment runs, against the one the DAG checks parse with
(tierform/dags/versions.py). No Airflow run here: tests/integration/test_dag_checks.py runs
the checks themselves."""

from __future__ import annotations

from pathlib import Path

from support import HELIX_CONFIG

from tierform.config import load_platform
from tierform.dags.versions import version_note, version_problems


def test_each_flavor_says_which_airflow_its_environment_runs():
    platform = load_platform(HELIX_CONFIG)
    majors = {name: tier.airflow_major for name, tier in platform.tiers.items()}
    # qa: MWAA 2.10.3; uat: Astro Runtime 3.0-1; prod: composer-3-airflow-2.10.5; local: the
    # installed Airflow (None); dev: no Airflow of its own (inherits none).
    assert majors["qa"] == 2 and majors["uat"] == 3 and majors["prod"] == 2
    assert majors["local"] is None


def test_a_note_only_when_the_major_versions_differ():
    assert version_note(None, "3.3.2") is None
    assert version_note(3, "3.3.2") is None
    note = version_note(2, "3.3.2")
    assert note is not None and "checked with Airflow 3.3.2" in note and "runs Airflow 2" in note


def test_airflow_sdk_imports_are_refused_for_an_airflow_2_tier_only(tmp_path: Path):
    (tmp_path / "new.py").write_text("import os\n\nfrom airflow.sdk import dag\n")
    (tmp_path / "old.py").write_text("from airflow.decorators import dag\n# airflow.sdk later\n")
    (tmp_path / "mod.py").write_text("import airflow.sdk as sdk\n")
    files = ["new.py", "old.py", "mod.py"]
    found = {(p.file, p.line, p.rule) for p in version_problems(tmp_path, files, 2)}
    assert found == {("new.py", 3, "airflow_version"), ("mod.py", 1, "airflow_version")}
    assert version_problems(tmp_path, files, 3) == []
    assert version_problems(tmp_path, files, None) == []
