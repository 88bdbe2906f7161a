"""Protection that one line cannot remove (issue 18, item 3): kind and protection come from
platform.yaml; deployment records refuse a config that weakens a deployed protected tier
unless `retire:` names the change with a reason; protected blocks survive being emptied.
Through `tierform.synth.main()` (what `python main.py` / `cdktf synth` run)."""

from __future__ import annotations

import json
import os

import pytest
from support import copy_config, edit_yaml, run_synth_in_process, stack_json

from tierform.config import load_platform
from tierform.config.deployed import DeployedProtection, save


@pytest.fixture
def config(tmp_path):
    return copy_config(tmp_path)


def _record(config, tier="prod"):
    """What `tierform record-deployed --tier prod` leaves after deploying the example."""
    platform = load_platform(config)
    return save(
        config.parent / ".tierform" / "deployed", DeployedProtection.of(platform.tier(tier))
    )


def _synth(config, tmp_path, tiers="prod"):
    # Run from the copy's root (config's parent), the working root that holds .tierform/.
    result = run_synth_in_process(config, tmp_path / "out", cwd=config.parent, TIERFORM_TIERS=tiers)
    result.outdir = tmp_path / "out"
    return result


def _drop_schemas(data):
    for db in data["snowflake"]["databases"].values():
        db.pop("schemas", None)
    for role in data["snowflake"]["roles"].values():  # schema-level access goes with them
        role.pop("schemas", None)


def _refused(result, *expected):
    assert result.returncode == 2, result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not result.outdir.exists()


def test_kind_staging_in_prod_yaml_is_refused_naming_both_files(config, tmp_path):
    edit_yaml(config / "tiers/prod.yaml", lambda d: d.update(kind="staging"))
    _refused(
        _synth(config, tmp_path),
        "tiers/prod.yaml: kind: 'staging' contradicts ",
        "platform.yaml tiers.3, which makes 'prod' a prod tier",
    )


def test_a_tier_file_cannot_declare_protection(config, tmp_path):
    edit_yaml(config / "tiers/staging.yaml", lambda d: d.update(protected=True))
    _refused(
        _synth(config, tmp_path, "staging"),
        "tiers/staging.yaml: protected: true contradicts ",
        "platform.yaml tiers.2 (protected: false)",
    )


def test_plain_name_tier_cannot_make_itself_prod(config, tmp_path):
    edit_yaml(config / "platform.yaml", lambda d: d["tiers"].insert(3, "qa"))
    (config / "tiers/qa.yaml").write_text("kind: prod\nextends: staging\n")
    _refused(
        _synth(config, tmp_path, "qa"),
        "tiers/qa.yaml: kind: a prod tier is declared in ",
        "{name: qa, kind: prod, protected: true}",
    )


def test_protected_tier_of_any_name_is_declared_in_the_platform_file(config, tmp_path):
    edit_yaml(
        config / "platform.yaml",
        lambda d: d["tiers"].insert(3, {"name": "uat", "kind": "staging", "protected": True}),
    )
    (config / "tiers/uat.yaml").write_text("extends: staging\nrelease: {dbt: {target: staging}}\n")
    tier = load_platform(config).tier("uat")
    assert (tier.kind, tier.is_protected) == ("staging", True)


def test_removing_all_schemas_of_a_deployed_protected_tier_is_refused(config, tmp_path):
    _record(config)
    edit_yaml(config / "tiers/prod.yaml", _drop_schemas)
    _refused(
        _synth(config, tmp_path),
        "tiers/prod.yaml: retire: data store snowflake.schemas.RAW.SHOP was deployed protected",
        "retire: [{resource: snowflake.schemas.RAW.SHOP, reason: …}]",
    )


def test_retired_with_a_reason_is_accepted_and_lifts_prevent_destroy_of_that_block(
    config, tmp_path
):
    _record(config)
    gone = ["RAW.SHOP", "RAW.PAYMENTS", "RAW.CRM"]
    edit_yaml(
        config / "tiers/prod.yaml",
        lambda d: (
            d["snowflake"]["databases"]["RAW"].pop("schemas"),
            d.update(
                retire=[
                    {"resource": f"snowflake.schemas.{s}", "reason": "moved to the lake (PLAT-7)"}
                    for s in gone
                ]
            ),
        ),
    )
    result = _synth(config, tmp_path)
    assert result.returncode == 0, result.stderr
    prod = stack_json(tmp_path / "out", "prod")["resource"]
    assert "lifecycle" not in prod["snowflake_schema"]["schemas"]  # the retiring block
    assert set(prod["snowflake_schema"]["schemas"]["for_each"]) == {
        "ANALYTICS.STAGING",
        "ANALYTICS.INTERMEDIATE",
        "ANALYTICS.MARTS",
        "ANALYTICS.SNAPSHOTS",
    }
    # every other data store keeps its guard
    assert prod["snowflake_database"]["databases"]["lifecycle"] == {"prevent_destroy": True}
    assert prod["databricks_schema"]["schemas"]["lifecycle"] == {"prevent_destroy": True}


def test_protected_block_stays_with_an_empty_map_when_its_last_instance_goes(config, tmp_path):
    # No deployment record (a fresh machine): the block itself still guards what is in state.
    edit_yaml(config / "tiers/prod.yaml", _drop_schemas)
    result = _synth(config, tmp_path)
    assert result.returncode == 0, result.stderr
    schemas = stack_json(tmp_path / "out", "prod")["resource"]["snowflake_schema"]["schemas"]
    assert schemas["for_each"] == {}
    assert schemas["lifecycle"] == {"prevent_destroy": True}


def test_lowering_a_deployed_tiers_protection_needs_retire_protection(config, tmp_path):
    _record(config)
    edit_yaml(
        config / "platform.yaml",
        lambda d: d.update(tiers=["local", "dev", "staging", {"name": "prod", "kind": "staging"}]),
    )
    edit_yaml(config / "tiers/prod.yaml", lambda d: d.pop("kind"))
    _refused(
        _synth(config, tmp_path),
        "platform.yaml: tiers: tier 'prod' was deployed protected (kind prod",
        "retire: [{resource: protection, reason: …}]",
    )
    edit_yaml(
        config / "tiers/prod.yaml",
        lambda d: d.update(
            retire=[{"resource": "protection", "reason": "prod moves to a new account"}]
        ),
    )
    assert _synth(config, tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("retire", "expected"),
    [
        (
            [{"resource": "snowflake.databases.RAWW", "reason": "typo"}],
            "retire.0.resource: 'snowflake.databases.RAWW' is not a data store of tier 'prod'",
        ),
        ([{"resource": "snowflake.databases.RAW", "reason": "  "}], "retire.0.reason: say why"),
        ([{"resource": "snowflake.databases.RAW"}], "retire.0.reason: required field is missing"),
        (
            [{"resource": "aws_s3_bucket.x", "reason": "x"}],
            "retire.0.resource: 'aws_s3_bucket.x' is not a data store name",
        ),
    ],
)
def test_bad_retire_entries_are_refused(config, tmp_path, retire, expected):
    edit_yaml(config / "tiers/prod.yaml", lambda d: d.update(retire=retire))
    _refused(_synth(config, tmp_path), f"tiers/prod.yaml: {expected}")


def test_retire_is_not_inherited(config):
    edit_yaml(
        config / "tiers/prod.yaml",
        lambda d: d.update(retire=[{"resource": "snowflake.databases.RAW", "reason": "test"}]),
    )
    platform = load_platform(config)
    assert platform.tier("prod").retire and not platform.tier("staging").retire


def test_unreadable_record_is_bad_input_naming_the_file(config, tmp_path):
    path = _record(config)
    path.write_text("{not json")
    _refused(_synth(config, tmp_path), "deployed/prod.json: unreadable deployment record")
    path.write_text(json.dumps({"tier": "dev", "protected": True, "kind": "prod"}))
    _refused(_synth(config, tmp_path), "it describes tier 'dev', expected 'prod'")


def test_a_config_in_a_subfolder_keeps_deployed_records_and_ledgers_in_the_working_root(
    tmp_path,
):
    """`platforms/zeta/config`: make deploy (`release record-deployment`), make apply-plan
    (`record-deployed`), the loader and the ledger readers (promotion-check, plan-summary,
    drift) must all use one `.tierform/`, the working root's. Before, the loader and
    record-deployed used the project folder, so the guard missed what deploys recorded."""
    from support import run_tierform_in_process

    from tierform.ledger import deployments, tier_ledger

    root = tmp_path / "repo"
    config = copy_config(root / "platforms" / "zeta")
    (root / ".git").mkdir()  # the repository root, as a checkout has it
    env = {"TIERFORM_CONFIG": str(config.relative_to(root)), "GITHUB_SHA": "a" * 40}
    recorded = run_tierform_in_process(
        "record-deployment",
        "--tier",
        "local",
        "--outcome",
        "success",
        cwd=root,
        module="tierform.release",
        **env,
    )
    assert recorded.returncode == 0, recorded.stderr
    assert (root / ".tierform" / "deployed" / "local.json").is_file()
    assert (root / ".tierform" / "ledger" / "local").is_dir()
    assert not (config.parent / ".tierform").exists()

    saved = os.getcwd()
    os.chdir(root)  # what promotion-check, plan-summary and drift read from there
    try:
        platform = load_platform(config)
        last = deployments.last_success(tier_ledger(platform, platform.tier("local")))
    finally:
        os.chdir(saved)
    assert last is not None and last["commit"] == "a" * 40

    deploy = run_tierform_in_process("record-deployed", "--tier", "prod", cwd=root, **env)
    assert deploy.returncode == 0, deploy.stderr
    assert f"in {root / '.tierform' / 'deployed' / 'prod.json'}" in deploy.stdout
    edit_yaml(config / "tiers" / "prod.yaml", lambda d: _drop_schemas(d))
    refused = run_tierform_in_process("validate", cwd=root, **env)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "was deployed protected (recorded in .tierform/deployed/prod.json)" in (
        refused.stdout + refused.stderr
    )
    # Whatever folder the command starts in: the records are the platform's, not the cwd's.
    for cwd, config_arg in ((tmp_path, str(config)), (config, ".")):
        elsewhere = run_tierform_in_process(
            "validate", "--config", config_arg, cwd=cwd, GITHUB_SHA="a" * 40
        )
        assert elsewhere.returncode == 2, (cwd, elsewhere.stdout + elsewhere.stderr)
        assert "was deployed protected" in elsewhere.stdout + elsewhere.stderr


def test_the_release_cli_writes_under_the_platforms_root_from_any_working_directory(
    tmp_path,
) -> None:
    """Started by hand from a subfolder, the release CLI keeps its records where the synth
    and the readers look (the config folder's repository root), not under its working
    directory; `--root` still says otherwise."""
    from support import run_tierform_in_process

    root = tmp_path / "repo"
    config = copy_config(root / "platforms" / "zeta")
    (root / ".git").mkdir()
    for cwd, config_arg in ((root / "platforms", str(config)), (config.parent, "config")):
        recorded = run_tierform_in_process(
            "record-deployment", "--tier", "local", "--outcome", "success",
            cwd=cwd, module="tierform.release", TIERFORM_CONFIG=config_arg, GITHUB_SHA="b" * 40,
        )  # fmt: skip
        assert recorded.returncode == 0, recorded.stderr
        assert (root / ".tierform" / "deployed" / "local.json").is_file()
        assert not (cwd / ".tierform").exists(), cwd

    chosen = tmp_path / "elsewhere"
    recorded = run_tierform_in_process(
        "record-deployment", "--tier", "local", "--outcome", "success", "--root", str(chosen),
        cwd=root, module="tierform.release", TIERFORM_CONFIG=str(config), GITHUB_SHA="c" * 40,
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    assert (chosen / ".tierform" / "deployed" / "local.json").is_file()
