"""The constructs as a library: typed props checked with the loader's messages, two copies of
one environment in one stack (distinct address prefixes) or a clear refusal, the public
exports, and the README's example app (examples/library_app.py), synthesized for real with
cdktf (no Snowflake account is needed to synthesize; nothing here talks to Snowflake)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import cdktf
import pytest
from support import REPO, copy_config, edit_yaml

import tierform
import tierform.constructs
from tierform.config import ConfigError, load_platform
from tierform.constructs import (
    AddressConflict,
    AirflowEnvironment,
    AirflowEnvironmentProps,
    DatabricksEnvironment,
    DatabricksEnvironmentProps,
    ReleaseStep,
    ReleaseStepProps,
    SnowflakeEnvironment,
    SnowflakeEnvironmentProps,
)

CONNECTION = {"organization_name": "ACME", "account_name": "ANALYTICS"}


def _snowflake(**extra) -> dict:
    return {
        "connection": CONNECTION,
        "databases": {"RAW": {"schemas": ["SHOP"]}},
        "warehouses": {"LOADING": {}},
        "roles": {"LOADER": {"databases": {"RAW": "RW"}, "warehouses": ["LOADING"]}},
        **extra,
    }


def _library_app():
    spec = importlib.util.spec_from_file_location("library_app", REPO / "examples/library_app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_example_app_synthesizes_two_environments_apart(tmp_path: Path) -> None:
    app = _library_app().build_app(str(tmp_path))
    app.synth()
    stack = json.loads((tmp_path / "stacks" / "warehouse" / "cdk.tf.json").read_text())
    databases = stack["resource"]["snowflake_database"]
    # Two blocks, each with only its own databases: nothing merged.
    assert set(databases) == {"databases", "lab_databases"}
    assert set(databases["databases"]["for_each"]) == {"RAW", "ANALYTICS"}
    assert set(databases["lab_databases"]["for_each"]) == {"SCRATCH"}
    assert databases["databases"]["lifecycle"] == {"prevent_destroy": True}  # kind prod
    assert "lifecycle" not in databases["lab_databases"]
    aliases = [p["alias"] for p in stack["provider"]["snowflake"]]
    assert len(aliases) == len(set(aliases))
    assert {"sysadmin", "lab_sysadmin", "securityadmin", "lab_securityadmin"} <= set(aliases)
    # Every block of the lab environment acts through the lab's own providers.
    for rtype, blocks in stack["resource"].items():
        for name, block in blocks.items():
            if name.startswith("lab_"):
                assert block["provider"].startswith("snowflake.lab_"), (rtype, name)
    release = stack["resource"]["terraform_data"]["release_dbt"]
    assert "snowflake_database.databases" in release["depends_on"]
    assert "snowflake_database.lab_databases" not in release["depends_on"]


def test_two_copies_without_a_prefix_are_refused_naming_both() -> None:
    stack = cdktf.TerraformStack(cdktf.App(), "one")
    SnowflakeEnvironment(
        stack, "first", SnowflakeEnvironmentProps(tier="a", snowflake=_snowflake())
    )
    with pytest.raises(AddressConflict) as caught:
        SnowflakeEnvironment(
            stack, "second", SnowflakeEnvironmentProps(tier="b", snowflake=_snowflake())
        )
    message = str(caught.value)
    assert "stack 'one'" in message
    assert "one/first/" in message and "one/second/" in message
    assert "address_prefix" in message


def test_two_local_airflow_environments_and_release_steps_refuse_alike() -> None:
    stack = cdktf.TerraformStack(cdktf.App(), "s")
    props = AirflowEnvironmentProps(tier="a", kind="local", airflow={"flavor": "local"})
    AirflowEnvironment(stack, "a1", props)
    AirflowEnvironment(stack, "a2", props)  # local flavor: no resources, nothing to share
    step = ReleaseStepProps(step="dags", tier="a", triggers={"dags": "sha256:1"})
    ReleaseStep(stack, "r1", step)
    with pytest.raises(AddressConflict, match=r"terraform_data\.release_dags"):
        ReleaseStep(stack, "r2", step)


def test_a_second_release_step_of_one_kind_takes_an_address_prefix() -> None:
    stack = cdktf.TerraformStack(cdktf.App(), "s")
    triggers = {"content_sha256": "1"}
    ReleaseStep(stack, "prod", ReleaseStepProps(step="dbt", tier="prod", triggers=triggers))
    lab = ReleaseStep(
        stack,
        "lab",
        ReleaseStepProps(step="dbt", tier="lab", triggers=triggers, address_prefix="lab"),
    )
    assert lab.address == "terraform_data.lab_release_dbt"
    blocks = json.loads(cdktf.Testing.synth(stack))["resource"]["terraform_data"]
    assert set(blocks) == {"release_dbt", "lab_release_dbt"}
    with pytest.raises(ConfigError, match="ReleaseStepProps: address_prefix"):
        ReleaseStepProps(step="dbt", tier="lab", triggers=triggers, address_prefix="Bad-Prefix")


def _loader_message(tmp_path: Path) -> str:
    """What the YAML loader says about a role naming an undeclared database in prod."""
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "prod.yaml",
        lambda d: d["snowflake"]["roles"]["LOADER"]["databases"].update(NOPE="RO"),
    )
    with pytest.raises(ConfigError) as caught:
        load_platform(config)
    [line] = [str(i) for i in caught.value.issues if "NOPE" in i.path]
    return line.split(": ", 1)[1]  # without the file name


def test_props_name_an_undeclared_database_as_the_loader_does(tmp_path: Path) -> None:
    roles = {"LOADER": {"databases": {"RAW": "RW", "NOPE": "RO"}, "warehouses": ["LOADING"]}}
    with pytest.raises(ConfigError) as caught:
        SnowflakeEnvironmentProps(tier="prod", snowflake=_snowflake(roles=roles))
    [issue] = caught.value.issues
    assert issue.file == "SnowflakeEnvironmentProps"
    assert issue.path == "snowflake.roles.LOADER.databases.NOPE"
    assert "'NOPE' is not a declared database (declared: RAW)" in issue.message
    # The loader's own line for the same mistake (its declared list is the example's).
    loader = _loader_message(tmp_path)
    assert loader.startswith(f"{issue.path}: 'NOPE' is not a declared database (declared: ")


@pytest.mark.parametrize(
    ("fields", "path", "expected"),
    [
        ({"snowflake": _snowflake(warehouses={"LOADING": {"size": "HUGE"}})}, "size", "HUGE"),
        ({"snowflake": _snowflake(), "kind": "prod"}, "resource_monitor", "resource monitor"),
        ({"snowflake": _snowflake(), "address_prefix": "Bad-Prefix"}, "", "address_prefix"),
        ({"snowflake": _snowflake(), "colour": "blue"}, "colour", "colour"),
    ],
)
def test_props_report_bad_values_one_line_each(fields: dict, path: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        SnowflakeEnvironmentProps(tier="t", **fields)
    text = str(caught.value)
    assert text.startswith("SnowflakeEnvironmentProps: ")
    assert path in text and expected in text
    assert "\n" not in text and "Traceback" not in text


def test_release_step_props_are_checked() -> None:
    with pytest.raises(ConfigError, match=r"ReleaseStepProps: step: .*dbt"):
        ReleaseStepProps(step="deploy", tier="t", triggers={})


def test_a_construct_takes_props_or_a_tier_not_both() -> None:
    props = SnowflakeEnvironmentProps(tier="t", snowflake=_snowflake())
    stack = cdktf.TerraformStack(cdktf.App(), "s")
    with pytest.raises(TypeError, match="either SnowflakeEnvironmentProps or tier="):
        SnowflakeEnvironment(stack, "x", props, tier=props.tier_spec())
    with pytest.raises(TypeError, match="expected SnowflakeEnvironmentProps"):
        SnowflakeEnvironment(
            stack, "y", AirflowEnvironmentProps(tier="t", airflow={"flavor": "local"})
        )  # type: ignore[arg-type]


def test_the_package_exports_constructs_and_props_and_is_typed() -> None:
    for name in tierform.constructs.__all__:
        assert getattr(tierform.constructs, name) is not None, name
    assert (Path(tierform.__file__).parent / "py.typed").is_file()


def _databricks(**catalog) -> dict:
    return {
        "workspace": {"host": "https://adb-1.azuredatabricks.net"},
        "groups": ["analysts"],
        "service_principal": {"name": "DEPLOYER"},
        "catalog": {"name": "SHOP", "schemas": ["GOLD"], **catalog},
    }


def test_databricks_props_name_an_undeclared_principal_as_the_loader_does() -> None:
    with pytest.raises(ConfigError) as caught:
        DatabricksEnvironmentProps(tier="t", databricks=_databricks(access={"nobody": "RO"}))
    [issue] = caught.value.issues
    assert (issue.file, issue.path) == (
        "DatabricksEnvironmentProps",
        "databricks.catalog.access.nobody",
    )
    assert "'nobody'" in issue.message


def test_two_databricks_environments_need_a_prefix() -> None:
    stack = cdktf.TerraformStack(cdktf.App(), "d")
    DatabricksEnvironment(
        stack, "a", DatabricksEnvironmentProps(tier="a", databricks=_databricks())
    )
    with pytest.raises(AddressConflict, match=r"provider\.databricks\.\(default\)"):
        DatabricksEnvironment(
            stack, "b", DatabricksEnvironmentProps(tier="b", databricks=_databricks())
        )
    # A refusal is raised while the second copy is built: the app is not synthesized. With
    # its own prefix, a second copy sits next to the first.
    stack = cdktf.TerraformStack(cdktf.App(), "d")
    DatabricksEnvironment(
        stack, "a", DatabricksEnvironmentProps(tier="a", databricks=_databricks())
    )
    DatabricksEnvironment(
        stack,
        "c",
        DatabricksEnvironmentProps(tier="c", databricks=_databricks(), address_prefix="c"),
    )
    synth = json.loads(cdktf.Testing.synth(stack))
    assert [p.get("alias") for p in synth["provider"]["databricks"]] == [None, "c"]
    catalogs = synth["resource"]["databricks_catalog"]
    assert set(catalogs) == {"catalog", "c_catalog"}
    assert catalogs["c_catalog"]["provider"] == "databricks.c"


def test_a_hand_made_tier_is_checked_too() -> None:
    """`tier=` (the older form) with a TierSpec that never went through the loader: the
    loader's message, not KeyError(('NOPE', 'RO'))."""
    from tierform.config import TierSpec

    roles = {"LOADER": {"databases": {"NOPE": "RO"}, "warehouses": ["LOADING"]}}
    tier = TierSpec.model_validate(
        {"name": "t", "kind": "dev", "snowflake": _snowflake(roles=roles)}
    )
    stack = cdktf.TerraformStack(cdktf.App(), "s")
    with pytest.raises(ConfigError, match=r"snowflake\.roles\.LOADER\.databases\.NOPE: 'NOPE'"):
        SnowflakeEnvironment(stack, "x", tier=tier)


def test_a_stack_that_builds_its_own_constructs_claims_without_asking_cdktf(monkeypatch) -> None:
    from tierform.constructs import addresses

    class Pair(cdktf.TerraformStack):
        @addresses.stack_constructor
        def __init__(self, scope, name: str, copies: int) -> None:
            super().__init__(scope, name)
            for index in range(copies):
                props = SnowflakeEnvironmentProps(tier=f"t{index}", snowflake=_snowflake())
                SnowflakeEnvironment(self, f"env{index}", props)

    class NoLookup:
        @staticmethod
        def of(scope):
            raise AssertionError("TerraformStack.of asked inside a stack constructor")

    monkeypatch.setattr(addresses, "TerraformStack", NoLookup)
    app = cdktf.App()
    Pair(app, "left", 1)
    Pair(app, "right", 1)  # the same addresses in another stack: its own claims
    with pytest.raises(AddressConflict) as caught:
        Pair(app, "both", 2)
    assert "stack 'both'" in str(caught.value)
    assert "both/env0/" in str(caught.value) and "both/env1/" in str(caught.value)
    # Outside such a constructor (a library user's stack) a claim asks cdktf again.
    with pytest.raises(AssertionError, match=r"TerraformStack\.of asked"):
        SnowflakeEnvironment(
            cdktf.TerraformStack(app, "plain"),
            "env",
            SnowflakeEnvironmentProps(tier="p", snowflake=_snowflake()),
        )


@pytest.mark.parametrize("name", ["aws_access_key_id", "databricks_pat", "pem_pkcs8"])
def test_props_built_in_code_refuse_secrets_as_config_does(name):
    """The loader refuses a secret in any string; props built in Python (not through a
    loaded tier) are checked by the same rule, in one line per value, never quoting it."""
    from hostile_values import SECRETS

    secret = SECRETS[name]
    with pytest.raises(ConfigError) as raised:
        SnowflakeEnvironmentProps(
            tier="analytics",
            snowflake=_snowflake(databases={"RAW": {"comment": secret, "schemas": ["SHOP"]}}),
        )
    [issue] = raised.value.issues
    assert (issue.file, issue.path) == (
        "SnowflakeEnvironmentProps",
        "snowflake.databases.RAW.comment",
    )
    assert "holds what looks like" in issue.message and secret[-12:] not in str(raised.value)
    with pytest.raises(ConfigError) as raised:
        ReleaseStepProps(step="dbt", tier="dev", triggers={"k": secret})
    assert [(i.file, i.path) for i in raised.value.issues] == [("ReleaseStepProps", "triggers.k")]


def test_an_undeclared_name_when_none_is_declared_reads_as_such():
    with pytest.raises(ConfigError) as raised:
        SnowflakeEnvironmentProps(
            tier="analytics",
            snowflake={
                "connection": CONNECTION,
                "databases": {"RAW": {}},
                "roles": {"LOADER": {"warehouses": ["LOADING"]}},
            },
        )
    assert "'LOADING' is not a declared warehouse (no warehouse is declared)" in str(raised.value)


def test_a_release_step_environment_takes_references_not_secrets():
    with pytest.raises(
        ConfigError, match=r"ReleaseStepProps: environment\.SNOWFLAKE_PASSWORD: a secret's name"
    ):
        ReleaseStepProps(
            step="dbt",
            tier="dev",
            triggers={},
            environment={"SNOWFLAKE_PASSWORD": "hunter2hunter2"},
        )
    ok = ReleaseStepProps(
        step="dbt", tier="dev", triggers={}, environment={"CREDENTIAL_ID": "${dbtcloud_x.id}"}
    )
    assert ok.environment == {"CREDENTIAL_ID": "${dbtcloud_x.id}"}


AIRFLOW_FLAVORS = {
    "mwaa": ("aws", {
        "flavor": "mwaa", "region": "eu-west-1", "airflow_version": "3.0.6",
        "network": {"subnet_ids": ["subnet-0a1b2c3d", "subnet-0a1b2c3e"],
                    "security_group_ids": ["sg-0a1b2c3d"]}}),
    "astronomer": ("astro", {
        "flavor": "astronomer", "organization_id": "o", "workspace_id": "w",
        "runtime_version": "3.0-1", "cloud_provider": "AWS", "region": "us-east-1"}),
    "composer": ("google", {
        "flavor": "composer", "project": "acme-data", "region": "europe-west1",
        "image_version": "composer-3-airflow-2.10.5"}),
}  # fmt: skip


@pytest.mark.parametrize("flavor", sorted(AIRFLOW_FLAVORS))
def test_two_airflow_environments_in_one_stack_act_through_their_own_providers(
    tmp_path: Path, flavor: str
) -> None:
    """The prefixed copy gets its own aliased provider block, and every one of its
    resources and data sources uses it; the first copy keeps the default provider."""
    provider_type, airflow = AIRFLOW_FLAVORS[flavor]
    app = cdktf.App(outdir=str(tmp_path))
    stack = cdktf.TerraformStack(app, "s")
    AirflowEnvironment(stack, "a", AirflowEnvironmentProps(tier="qa", airflow=airflow))
    AirflowEnvironment(
        stack, "b", AirflowEnvironmentProps(tier="uat", address_prefix="uat", airflow=airflow)
    )
    app.synth()
    synthesized = json.loads((tmp_path / "stacks" / "s" / "cdk.tf.json").read_text())
    blocks = synthesized["provider"][provider_type]
    assert [block.get("alias") for block in blocks] == [None, "uat"]
    used = {}
    for section in ("resource", "data"):
        for rtype, named in synthesized.get(section, {}).items():
            if rtype.startswith(f"{provider_type}_"):
                for name, block in named.items():
                    used[f"{rtype}.{name}"] = block.get("provider")
    prefixed = {
        address: p for address, p in used.items() if address.split(".")[1].startswith("uat_")
    }
    assert prefixed and set(prefixed.values()) == {f"{provider_type}.uat"}, used
    others = {p for address, p in used.items() if address not in prefixed}
    assert others and others <= {None, provider_type}, used


def test_a_user_block_with_one_of_our_addresses_fails_synth_naming_both(tmp_path) -> None:
    """cdktf would merge the two into one block without a word (a user's terraform_data
    next to a release step, an output of theirs named like ours)."""
    from cdktf_cdktf_provider_snowflake.provider import SnowflakeProvider

    def build(stack: cdktf.TerraformStack) -> None:
        cdktf.DataResource(stack, "release_dbt", input={"mine": "1"})
        ReleaseStep(stack, "rel", ReleaseStepProps(step="dbt", tier="prod", triggers={"a": "1"}))
        cdktf.TerraformOutput(stack, "airflow_dag_bucket", value="mine")
        airflow = AIRFLOW_FLAVORS["mwaa"][1]
        AirflowEnvironment(stack, "af", AirflowEnvironmentProps(tier="prod", airflow=airflow))

    app = cdktf.App(outdir=str(tmp_path))
    stack = cdktf.TerraformStack(app, "mine")
    build(stack)
    with pytest.raises(Exception) as caught:
        app.synth()
    message = str(caught.value)
    assert (
        "terraform_data.release_dbt is written by both 'mine/release_dbt' and 'mine/rel/step'"
        in message
    )
    assert "output.airflow_dag_bucket is written by both 'mine/airflow_dag_bucket'" in message
    assert "address_prefix" in message

    # Distinct ids: the user's blocks sit beside ours.
    app = cdktf.App(outdir=str(tmp_path / "ok"))
    stack = cdktf.TerraformStack(app, "mine")
    cdktf.DataResource(stack, "my_bookkeeping", input={"mine": "1"})
    SnowflakeProvider(stack, "own", alias="mine", organization_name="O", account_name="A")
    ReleaseStep(stack, "rel", ReleaseStepProps(step="dbt", tier="prod", triggers={"a": "1"}))
    app.synth()
    written = json.loads((tmp_path / "ok/stacks/mine/cdk.tf.json").read_text())
    assert set(written["resource"]["terraform_data"]) == {"my_bookkeeping", "release_dbt"}


def test_mwaa_plugins_named_in_props_without_their_bytes_are_refused(tmp_path) -> None:
    """The construct never reads the repository: plugins.zip named in the section and no
    bytes given would create the environment without them."""
    from tierform.constructs import AirflowInstallFiles

    airflow = {**AIRFLOW_FLAVORS["mwaa"][1], "plugins": {"path": "airflow/plugins.zip"}}
    props = AirflowEnvironmentProps(tier="prod", airflow=airflow)
    stack = cdktf.TerraformStack(cdktf.App(outdir=str(tmp_path)), "mine")
    with pytest.raises(ValueError, match=r"airflow\.plugins\.path 'airflow/plugins\.zip'.*files="):
        AirflowEnvironment(stack, "af", props)

    stack = cdktf.TerraformStack(cdktf.App(outdir=str(tmp_path / "ok")), "mine")
    files = AirflowInstallFiles(plugins=b"PK\x05\x06" + b"\0" * 18)
    AirflowEnvironment(stack, "af", props, files=files)
    written = json.loads(cdktf.Testing.synth(stack))
    environment = written["resource"]["aws_mwaa_environment"]["airflow"]
    assert environment["plugins_s3_path"] == "plugins.zip"
    assert "airflow_plugins" in written["resource"]["aws_s3_object"]


def test_props_refuse_a_retire_entry_naming_no_store_of_their_section() -> None:
    """A typo in `retire` lifts nothing, silently: refused as the loader refuses it."""
    retire = [{"resource": "snowflake.databases.RAWW", "reason": "moved"}]
    with pytest.raises(ConfigError) as caught:
        SnowflakeEnvironmentProps(tier="prod", snowflake=_snowflake(), retire=retire)
    [issue] = caught.value.issues
    assert (issue.file, issue.path) == ("SnowflakeEnvironmentProps", "retire.0.resource")
    assert "'snowflake.databases.RAWW' is not a data store of tier 'prod'" in issue.message

    # One retire list shared by a tier's constructs: each checks its own section's entries.
    shared = [
        {"resource": "snowflake.databases.RAW", "reason": "moved"},
        {"resource": "databricks.catalog", "reason": "moved"},
        {"resource": "protection", "reason": "moved"},
    ]
    props = SnowflakeEnvironmentProps(tier="prod", snowflake=_snowflake(), retire=shared)
    assert props.retire[0].resource == "snowflake.databases.RAW"


def test_two_environments_making_one_physical_object_are_refused_naming_both() -> None:
    """address_prefix keeps the Terraform addresses apart; the objects they create must be
    apart too, by the loader's rule for tiers (config/shared_names.py)."""
    from tierform.constructs import NameConflict

    stack = cdktf.TerraformStack(cdktf.App(), "mine")
    SnowflakeEnvironment(stack, "a", SnowflakeEnvironmentProps(tier="prod", snowflake=_snowflake()))
    second = SnowflakeEnvironmentProps(tier="prod", address_prefix="b", snowflake=_snowflake())
    with pytest.raises(NameConflict) as caught:
        SnowflakeEnvironment(stack, "b", second)
    message = str(caught.value)
    assert "'mine/a' and 'mine/b' both make the database 'RAW_PROD'" in message
    assert "Snowflake account ACME.ANALYTICS" in message

    # Another tier name, or another account: distinct objects, accepted.
    SnowflakeEnvironment(
        stack,
        "c",
        SnowflakeEnvironmentProps(tier="lab", address_prefix="c", snowflake=_snowflake()),
    )
    other = _snowflake(connection={"organization_name": "ACME", "account_name": "OTHER"})
    SnowflakeEnvironment(
        stack, "d", SnowflakeEnvironmentProps(tier="prod", address_prefix="d", snowflake=other)
    )

    # Airflow: one MWAA environment name (and S3 bucket) twice.
    stack = cdktf.TerraformStack(cdktf.App(), "air")
    airflow = AIRFLOW_FLAVORS["mwaa"][1]
    AirflowEnvironment(stack, "a", AirflowEnvironmentProps(tier="qa", airflow=airflow))
    with pytest.raises(NameConflict, match="both make the S3 bucket"):
        AirflowEnvironment(
            stack, "b", AirflowEnvironmentProps(tier="qa", address_prefix="b", airflow=airflow)
        )
