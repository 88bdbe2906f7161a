"""Cloud names the naming rule makes for Airflow environments are the cloud's to accept: an
MWAA environment and its IAM execution role, a Cloud Composer environment, its service
account and its bucket. A name AWS or Google would refuse at apply (half an hour into an
environment create) is refused by `validate`: exit 2, one line naming file and field.
Tiers that would make one Composer name in one project (or one global bucket) clash."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from support import HELIX_ROOT, edit_yaml, run_tierform_in_process

from tierform.config.airflow import ComposerAirflowSpec
from tierform.config.naming import NamingRule


@pytest.fixture
def helix(tmp_path: Path) -> Path:
    """helix: qa runs MWAA, prod runs Composer 3 (project helix-data-prod)."""
    root = tmp_path / "helix"
    shutil.copytree(HELIX_ROOT, root)
    return root


def refused(root: Path) -> list[str]:
    result: subprocess.CompletedProcess = run_tierform_in_process("validate", cwd=root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.splitlines()


def _airflow(root: Path, tier: str, **values) -> None:
    edit_yaml(root / f"config/tiers/{tier}.yaml", lambda d: d["airflow"].update(values))


def _cloud_pattern(root: Path, pattern: str) -> None:
    edit_yaml(root / "config/platform.yaml", lambda d: d["naming"].update(cloud_pattern=pattern))


def test_helix_names_are_valid(helix):
    result = run_tierform_in_process("validate", cwd=helix)
    assert result.returncode == 0, result.stderr


# --- MWAA ----------------------------------------------------------------------------------


def test_mwaa_execution_role_longer_than_iam_allows_is_refused(helix):
    # 55 characters of environment name are valid for MWAA (80), but its role is 65 (IAM: 64).
    _airflow(helix, "qa", name="HELIX_ORCHESTRATION_SANDBOX_ENVIRONMENT_NUMBER_SEVEN")
    assert refused(helix) == [
        "config/tiers/qa.yaml: airflow.name: makes the MWAA execution role name "
        "'helix-orchestration-sandbox-environment-number-seven-qa-execution' (65 characters), "
        "longer than IAM's 64; shorten airflow.name or naming.cloud_pattern (the environment "
        "name may be at most 54 characters)"
    ]


def test_mwaa_role_of_exactly_64_characters_is_accepted(helix):
    # helix-…-qa: 54 characters, role 64.
    _airflow(helix, "qa", name="HELIX_ORCHESTRATION_SANDBOX_ENVIRONMENT_NUMBER_SEVE")
    result = run_tierform_in_process("validate", cwd=helix)
    assert result.returncode == 0, result.stderr


def test_environment_names_must_start_with_a_letter_on_mwaa_and_composer(helix):
    # One digit-first pattern: qa's MWAA and prod's Composer environment are both refused.
    _cloud_pattern(helix, "7-{name}-{tier}")
    made = "(name 'HELIX_FLOW' with naming.cloud_pattern '7-{name}-{tier}' for tier"
    assert [line for line in refused(helix) if "environment name" in line] == [
        f"config/tiers/qa.yaml: airflow.name: makes the MWAA environment name "
        f"'7-helix-flow-qa' {made} 'qa'), which is not valid (a letter first, then letters, "
        "digits, '-' and '_'; at most 80 characters)",
        f"config/tiers/prod.yaml: airflow.name: makes the Cloud Composer environment name "
        f"'7-helix-flow-prod' {made} 'prod'), which is not valid (a lower-case letter first, "
        "then lower-case letters, digits and '-', not ending with '-'; at most 64 characters)",
    ]


def test_the_stack_names_the_role_as_validation_does():
    import json

    from support import HELIX_CONFIG, stack_synth

    from tierform.config import load_platform

    qa = load_platform(HELIX_CONFIG).tiers["qa"]
    role = json.loads(stack_synth(HELIX_CONFIG, "qa"))["resource"]["aws_iam_role"]
    assert role["airflow_execution"]["name"] == qa.airflow.execution_role_name("qa")
    assert qa.airflow.execution_role_name("qa") == "helix-flow-qa-execution"


# --- Cloud Composer ------------------------------------------------------------------------


def test_composer_environment_name_over_64_characters_is_refused(helix):
    _airflow(helix, "prod", name="HELIX_ORCHESTRATION_SANDBOX_ENVIRONMENT_NUMBER_SEVEN_OF_THE_TEAM")
    assert refused(helix) == [
        "config/tiers/prod.yaml: airflow.name: makes the Cloud Composer environment name "
        "'helix-orchestration-sandbox-environment-number-seven-of-the-team-prod' (name "
        "'HELIX_ORCHESTRATION_SANDBOX_ENVIRONMENT_NUMBER_SEVEN_OF_THE_TEAM' with "
        "naming.cloud_pattern '{name}-{tier}' for tier 'prod'), which is not valid (a "
        "lower-case letter first, then lower-case letters, digits and '-', not ending with "
        "'-'; at most 64 characters)"
    ]


def test_composer_service_account_too_short_is_refused(helix):
    _cloud_pattern(helix, "{name}")
    _airflow(helix, "prod", name="AF")
    lines = [line for line in refused(helix) if "service account" in line]
    assert lines == [
        "config/tiers/prod.yaml: airflow.name: makes the environment's service account id "
        "'af-sa', which is not valid (6-30 characters); use a longer airflow.name"
    ]


def test_composer_bucket_named_like_google_is_refused(helix):
    _airflow(helix, "prod", bucket="google-helix-dags")
    lines = refused(helix)
    assert lines == [
        "config/tiers/prod.yaml: airflow.bucket: makes the Cloud Storage bucket name "
        "'google-helix-dags', which is not valid (3-63 characters (222 with dots, 63 between "
        "them): lower-case letters, digits, '-', '_' and '.', starting and ending with a "
        "letter or digit, not 'goog…' nor containing 'google')"
    ]


def test_composer_bucket_cut_to_63_characters_never_ends_with_a_hyphen():
    spec = ComposerAirflowSpec.model_validate(
        {
            "flavor": "composer",
            "project": "helix-data-prod",
            "region": "europe-west1",
            # environment "a…a-prod" (51) + "-helix-data-prod": character 63 is a hyphen
            "name": "A" * 46,
            "image_version": "composer-3-airflow-2.10.5-build.12",
        }
    )
    spec.bind_naming(NamingRule())
    full = f"{spec.environment_name('prod')}-helix-data-prod"
    assert full[62] == "-"  # the case this test is about
    assert spec.bucket_name("prod") == full[:62]


def test_two_tiers_making_one_composer_environment_clash_once(helix):
    # qa runs prod's Composer settings in prod's project; with "{name}" both make helix-flow.
    prod_airflow = {}
    edit_yaml(helix / "config/tiers/prod.yaml", lambda d: prod_airflow.update(d["airflow"]))
    edit_yaml(helix / "config/tiers/qa.yaml", lambda d: d.update(airflow=dict(prod_airflow)))
    _cloud_pattern(helix, "{name}")
    lines = [line for line in refused(helix) if "Composer" in line or "service account" in line]
    # The environment, its service account and its bucket clash: one mistake, one line.
    assert lines == [
        "config/tiers/prod.yaml: airflow.name: tier 'prod' makes the Composer environment name "
        "'helix-flow', which tier 'qa' also makes (Cloud Composer environments in europe-west1 "
        "of project helix-data-prod); name the tier in naming.cloud_pattern (e.g. "
        "'{name}-{tier}') or set a name per tier"
    ]


def test_composer_service_accounts_cut_to_one_id_clash(helix):
    # Environments differ after 27 characters; their service account ids do not.
    prod_airflow = {}
    edit_yaml(helix / "config/tiers/prod.yaml", lambda d: prod_airflow.update(d["airflow"]))
    qa_airflow = {**prod_airflow, "name": "HELIX_ORCHESTRATION_PLATFORM_QA"}
    edit_yaml(helix / "config/tiers/qa.yaml", lambda d: d.update(airflow=qa_airflow))
    _airflow(helix, "prod", name="HELIX_ORCHESTRATION_PLATFORM_PROD")
    _cloud_pattern(helix, "{name}")
    assert [line for line in refused(helix) if "service account" in line] == [
        "config/tiers/prod.yaml: airflow.name: tier 'prod' makes the service account name "
        "'helix-orchestration-platfor-sa', which tier 'qa' also makes (service accounts of "
        "project helix-data-prod); the id is the environment name cut to 27 characters plus "
        "'-sa': shorten airflow.name so the tier's part of the name fits, or give the tiers "
        "their own projects"
    ]
