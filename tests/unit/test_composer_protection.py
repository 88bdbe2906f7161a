"""A protected tier's Cloud Composer environment and its bucket are data stores like MWAA's:
prevent_destroy in the stack, the synth guardrail refuses a block without it, and the plan
guard denies a plan that deletes or replaces one. The Google provider is not in this
machine's provider mirror, so the plan here is `terraform show -json`'s shape written by
hand (tests/policy/test_plan_guard.py runs the same guard on a real terraform plan)."""

from __future__ import annotations

import json
from pathlib import Path

from support import HELIX_CONFIG, stack_synth

from tierform.config import load_platform
from tierform.policy.plan_guard import destructive_changes
from tierform.stacks.guardrails import GuardRails

COMPOSER_TYPES = ("google_composer_environment", "google_storage_bucket")


def _prod() -> dict:
    return json.loads(stack_synth(HELIX_CONFIG, "prod"))


def test_helix_prod_composer_environment_and_bucket_prevent_destroy():
    resources = _prod()["resource"]
    for rtype in COMPOSER_TYPES:
        blocks = resources[rtype]
        assert blocks, rtype
        for block in blocks.values():
            assert block["lifecycle"]["prevent_destroy"] is True, rtype


def test_guardrail_refuses_a_protected_composer_block_without_prevent_destroy():
    prod = load_platform(HELIX_CONFIG).tier("prod")
    stack = _prod()
    for rtype in COMPOSER_TYPES:
        for block in stack["resource"][rtype].values():
            block.pop("lifecycle")
    guard = GuardRails(tier="prod", protected=True, naming=prod.naming, unguarded=frozenset())
    found = guard.check_stack(stack)
    for rtype in COMPOSER_TYPES:
        assert any(f"{rtype} in protected tier 'prod' lacks lifecycle.prevent_destroy" in m
                   for m in found), (rtype, found)  # fmt: skip


def test_plan_guard_finds_composer_deletes_and_replaces(tmp_path: Path):
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {"address": "google_composer_environment.airflow", "mode": "managed",
             "type": "google_composer_environment", "change": {"actions": ["delete", "create"]}},
            {"address": "google_storage_bucket.airflow", "mode": "managed",
             "type": "google_storage_bucket", "change": {"actions": ["delete"]}},
            {"address": "google_service_account.airflow", "mode": "managed",
             "type": "google_service_account", "change": {"actions": ["delete"]}},
        ],
    }  # fmt: skip
    path = tmp_path / "prod.plan.json"
    path.write_text(json.dumps(plan))
    assert destructive_changes(path) == [
        (
            "google_composer_environment.airflow",
            "google_composer_environment",
            ["delete", "create"],
        ),
        ("google_storage_bucket.airflow", "google_storage_bucket", ["delete"]),
    ]
