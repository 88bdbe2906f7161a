"""Promotion rules in config/platform.yaml, read through `tierform promotion` as the
workflows do; bad rules are reported as `file: field.path: message`, exit 2."""

from __future__ import annotations

import json

from support import EXAMPLE_CONFIG, copy_config, edit_yaml, run_tierform_in_process


def promotion(*args: str, config=EXAMPLE_CONFIG, **env: str):
    return run_tierform_in_process("promotion", "--config", str(config), *args, **env)


def tiers(result, key="deploy"):
    assert result.returncode == 0, result.stderr
    return [e["tier"] for e in json.loads(result.stdout)[key]]


def test_main_deploys_dev_then_staging():
    assert tiers(promotion("--event", "push", "--ref", "refs/heads/main")) == ["dev", "staging"]


def test_version_tag_deploys_prod_with_approval():
    result = promotion("--event", "push", "--ref", "refs/tags/v1.4.0")
    assert tiers(result) == ["prod"]
    entry = json.loads(result.stdout)["deploy"][0]
    assert entry == {
        "tier": "prod",
        "environment": "prod",
        "plan_environment": "prod-plan",
        "approval": True,
        "protected": True,
        "apply": "reviewed-plan",
        "requires": ["staging"],
    }


def test_other_refs_and_pull_requests_deploy_nothing_but_plan_every_rule_tier():
    assert tiers(promotion("--event", "push", "--ref", "refs/heads/feature/x")) == []
    result = promotion("--event", "pull_request")
    assert tiers(result) == []
    assert tiers(result, "plan") == ["dev", "staging", "prod"]  # local has no rule
    assert json.loads(result.stdout)["plan_matrix"]["include"][0]["tier"] == "dev"


def test_deploy_order_is_the_tiers_order_not_the_rules_order(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "platform.yaml",
        lambda d: d.update(
            promotion={
                "tiers": {
                    "staging": {"branches": ["release/*"]},
                    "dev": {"branches": ["release/*"]},
                }
            }
        ),
    )
    assert tiers(
        promotion("--event", "push", "--ref", "refs/heads/release/2026-11", config=config)
    ) == [
        "dev",
        "staging",
    ]


def test_github_output(tmp_path):
    out = tmp_path / "github_output"
    result = promotion(
        "--event", "push", "--ref", "refs/heads/main", "--github-output", GITHUB_OUTPUT=str(out)
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split("=", 1) for line in out.read_text().splitlines())
    assert lines["deploy_tiers"] == "dev staging"
    assert lines["has_deploy"] == "true"
    assert [e["tier"] for e in json.loads(lines["deploy"])["include"]] == ["dev", "staging"]


def _bad(tmp_path, promotion_value):
    tmp_path.mkdir(parents=True, exist_ok=True)
    config = copy_config(tmp_path)
    edit_yaml(config / "platform.yaml", lambda d: d.update(promotion=promotion_value))
    result = promotion("--event", "push", "--ref", "refs/heads/main", config=config)
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    return result.stderr


def test_unknown_tier_is_named(tmp_path):
    err = _bad(tmp_path, {"tiers": {"qa": {"branches": ["main"]}}})
    assert (
        "platform.yaml: promotion.tiers.qa: 'qa' is not a tier (tiers: local, dev, staging, prod)"
        in err
    )


def test_protected_tier_needs_approval(tmp_path):
    err = _bad(tmp_path, {"tiers": {"prod": {"tags": ["v*"]}}})
    assert "platform.yaml: promotion.tiers.prod.approval: tier 'prod' is protected" in err


def test_rule_without_trigger_and_unknown_key(tmp_path):
    err = _bad(tmp_path, {"tiers": {"dev": {}}})
    assert "promotion.tiers.dev: say which refs deploy this tier" in err
    err = _bad(tmp_path / "2", {"tiers": {"dev": {"branch": ["main"]}}})
    assert "promotion.tiers.dev.branch: unknown key; did you mean 'branches'?" in err


def test_full_ref_in_pattern_and_bad_ref(tmp_path):
    err = _bad(tmp_path, {"tiers": {"dev": {"branches": ["refs/heads/main"]}}})
    assert "not a full ref" in err
    result = promotion("--event", "push", "--ref", "main")
    assert result.returncode == 2
    assert "expected refs/heads/<branch> or refs/tags/<tag>" in result.stderr
    assert promotion("--event", "release").returncode == 2


def test_apply_mode_defaults_reviewed_plan_on_protected_tiers_deploy_elsewhere(tmp_path):
    result = promotion("--event", "push", "--ref", "refs/heads/main")
    assert {e["tier"]: e["apply"] for e in json.loads(result.stdout)["deploy"]} == {
        "dev": "deploy",
        "staging": "deploy",
    }
    config = copy_config(tmp_path)

    def rules(d):
        d["promotion"]["tiers"]["staging"]["apply"] = "reviewed-plan"
        d["promotion"]["tiers"]["prod"]["apply"] = "deploy"

    edit_yaml(config / "platform.yaml", rules)
    out = tmp_path / "github_output"
    main = promotion(
        "--event", "push", "--ref", "refs/heads/main", "--github-output",
        config=config, GITHUB_OUTPUT=str(out),
    )  # fmt: skip
    lines = dict(line.split("=", 1) for line in out.read_text().splitlines())
    matrix = {e["tier"]: e["apply"] for e in json.loads(lines["deploy"])["include"]}
    assert matrix == {"dev": "deploy", "staging": "reviewed-plan"}, main.stderr
    tag = promotion("--event", "push", "--ref", "refs/tags/v2.0.0", config=config)
    assert json.loads(tag.stdout)["deploy"][0]["apply"] == "deploy"  # explicit beats default


def test_unknown_apply_mode_is_named(tmp_path):
    err = _bad(tmp_path, {"tiers": {"dev": {"branches": ["main"], "apply": "yolo"}}})
    assert (
        "platform.yaml: promotion.tiers.dev.apply: 'yolo' is not one of deploy, reviewed-plan"
        in err
    )


def test_tag_patterns_match_the_whole_name():
    """The example's prod rule is a semantic-version expression: `vandalism` is not a release."""
    for ref in (
        "refs/tags/vandalism",
        "refs/tags/v1.4",
        "refs/tags/v1.4.0-rc1",
        "refs/tags/xv1.4.0",
    ):
        assert tiers(promotion("--event", "push", "--ref", ref)) == [], ref
    assert tiers(promotion("--event", "push", "--ref", "refs/tags/v10.0.3")) == ["prod"]


def test_requires_must_name_an_earlier_tier_and_patterns_must_compile(tmp_path):
    err = _bad(
        tmp_path,
        {"tiers": {"staging": {"branches": ["main"], "requires": "prod"},
                   "prod": {"tags": ["v*"], "approval": True}}},
    )  # fmt: skip
    assert (
        "promotion.tiers.staging.requires.0: 'prod' must be a tier promoted before 'staging'" in err
    )
    err = _bad(tmp_path / "2", {"tiers": {"dev": {"branches": ["^(main"]}}})
    assert "'^(main' is not a regular expression" in err
