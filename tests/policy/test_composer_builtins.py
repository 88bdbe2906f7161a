"""checkov's built-in GCP checks on helix prod's Cloud Composer stack (the Airflow part
alone, `AirflowOnlyStack`), run for real from .venv-checkov (offline): each curated check
runs on our resources and passes, and a weakened bucket fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import HELIX_CONFIG
from test_airflow_builtin_checks import _by_check, run_checkov

from tierform.policy.catalog import CHECKS

pytestmark = pytest.mark.integration

GCP_CHECKS = {c.id: c.resources[0] for c in CHECKS if c.id.startswith("CKV_GCP_")}


def _synth(outdir: Path) -> Path:
    from cdktf import App

    from tierform.config import load_platform
    from tierform.release.artifact import airflow_install_files
    from tierform.stacks.airflow_stack import AirflowOnlyStack

    platform = load_platform(HELIX_CONFIG)
    tier = platform.tier("prod")
    app = App(outdir=str(outdir))
    AirflowOnlyStack(app, tier, files=airflow_install_files(platform, tier))
    app.synth()
    return outdir / "stacks" / "prod-airflow"


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Path:
    return _synth(tmp_path_factory.mktemp("composer") / "cdktf.out")


def test_curated_gcp_checks_run_on_composer_and_pass(stack):
    assert set(GCP_CHECKS) == {
        "CKV_GCP_29", "CKV_GCP_62", "CKV_GCP_63", "CKV_GCP_78", "CKV_GCP_114",
        "CKV_GCP_41", "CKV_GCP_42", "CKV_GCP_46", "CKV_GCP_117",
    }  # fmt: skip
    report = run_checkov(stack)
    passed = _by_check(report["results"]["passed_checks"])
    failed = _by_check(report["results"]["failed_checks"])
    for check_id, resource_type in GCP_CHECKS.items():
        assert check_id not in failed, (check_id, [c["resource"] for c in failed[check_id]])
        assert check_id in passed, f"{check_id} did not run on {resource_type}"


def test_object_acls_on_the_dag_bucket_fail_the_uniform_access_check(stack, tmp_path):
    data = json.loads((stack / "cdk.tf.json").read_text())
    data["resource"]["google_storage_bucket"]["airflow_dags"]["uniform_bucket_level_access"] = False
    weakened = tmp_path / "weakened"
    weakened.mkdir()
    (weakened / "cdk.tf.json").write_text(json.dumps(data))
    report = run_checkov(weakened)
    failed = {c["check_id"] for c in report["results"]["failed_checks"]}
    assert "CKV_GCP_29" in failed
