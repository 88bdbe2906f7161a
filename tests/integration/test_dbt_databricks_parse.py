"""The shipped dbt-databricks adapter loads and parses the example project: `dbt parse` with
a databricks target registers the adapter and writes a manifest without connecting (dummy
credentials; checked also in a network namespace with no network at all, `unshare -n`).
Building needs a Databricks workspace, which cannot run here."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO, tool_env

pytestmark = pytest.mark.integration

PROFILES = """northwind:
  target: lake
  outputs:
    lake:
      type: databricks
      host: "{{ env_var('DATABRICKS_HOST') }}"
      http_path: "{{ env_var('DATABRICKS_HTTP_PATH') }}"
      token: "{{ env_var('DBT_DATABRICKS_TOKEN') }}"
      catalog: analytics
      schema: staging
      threads: 4
"""


def test_dbt_parse_of_the_example_project_on_databricks(tmp_path: Path):
    project = tmp_path / "dbt"
    shutil.copytree(
        REPO / "examples" / "dbt", project, ignore=shutil.ignore_patterns("target", "logs")
    )
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "profiles.yml").write_text(PROFILES)
    dbt = Path(sys.executable).parent / "dbt"
    env = tool_env(
        DATABRICKS_HOST="example.cloud.databricks.com",
        DATABRICKS_HTTP_PATH="/sql/1.0/warehouses/0000000000000000",
        DBT_DATABRICKS_TOKEN="dummy",
        DO_NOT_TRACK="1",
    )
    parse = subprocess.run(
        [str(dbt), "parse", "--project-dir", str(project), "--profiles-dir", str(profiles),
         "--target", "lake"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert parse.returncode == 0, parse.stdout + parse.stderr
    assert "Registered adapter: databricks=1.11" in parse.stdout
    manifest = json.loads((project / "target" / "manifest.json").read_text())
    assert manifest["metadata"]["adapter_type"] == "databricks"
    assert any(node["resource_type"] == "model" for node in manifest["nodes"].values())
