"""Why a protected tier keeps its data-store blocks even when empty (tierform/config/
protection.py), shown with the real terraform on a terraform_data reproduction: lifecycle is
per block, so a kept `for_each` block with prevent_destroy refuses to delete a removed key
(also when its map is empty), while a block that vanishes takes its guard with it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support import copy_config, tool_env
from terraform_data_stack import Stack

pytestmark = pytest.mark.integration


def _block(keys):
    return {
        "for_each": {k: k for k in keys},
        "input": "${each.value}",
        "lifecycle": {"prevent_destroy": True},
    }


@pytest.fixture
def deployed(tmp_path):
    stack = Stack(tmp_path, "prod")
    stack.write({"schemas": _block(["SHOP", "CRM"])})
    stack.init()
    stack.apply()
    return stack


def _plan(stack):
    return stack.tf("plan", "-input=false", "-no-color", check=False)


def test_kept_block_refuses_to_delete_a_removed_key(deployed):
    deployed.write({"schemas": _block(["SHOP"])})
    result = _plan(deployed)
    assert result.returncode == 1
    assert "Instance cannot be destroyed" in result.stderr
    assert 'terraform_data.schemas["CRM"]' in result.stderr


def test_kept_block_with_an_empty_map_still_refuses(deployed):
    deployed.write({"schemas": _block([])})
    result = _plan(deployed)
    assert result.returncode == 1
    assert result.stderr.count("Instance cannot be destroyed") == 2


def test_a_vanished_block_loses_its_guard(deployed):
    deployed.write({"other": {"input": "x"}})
    result = _plan(deployed)
    assert result.returncode == 0, result.stderr
    assert 'terraform_data.schemas["CRM"] will be destroyed' in result.stdout
    assert 'terraform_data.schemas["SHOP"] will be destroyed' in result.stdout


def test_record_deployed_command_writes_the_record(tmp_path):
    config = copy_config(tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tierform",
            "record-deployed",
            "--tier",
            "prod",
            "--config",
            str(config),
        ],
        cwd=tmp_path,
        env=tool_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    record = (tmp_path / ".tierform" / "deployed" / "prod.json").read_text()
    assert '"protected": true' in record and "snowflake.schemas.RAW.SHOP" in record
