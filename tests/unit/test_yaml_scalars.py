"""Configuration files read plain scalars as YAML 1.2 does: only true/false are booleans,
numbers are decimal, and every mapping key is the text written (tierform/config/yaml_io.py).
PyYAML's YAML 1.1 reading made a warehouse named NO the key False and a tier `- on` True."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from support import copy_config

from tierform.config import ConfigError, load_platform, yaml_io

LOADERS = [
    pytest.param(yaml_io._ConfigLoader, id="pure-python"),
    pytest.param(
        yaml_io._FastConfigLoader,
        id="libyaml",
        marks=pytest.mark.skipif(
            yaml_io._FastConfigLoader is None, reason="PyYAML without libyaml"
        ),
    ),
]


def load(loader: type, text: str):
    return yaml_io._load_with(loader, text, "test.yaml")


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("yes", "yes"),
        ("No", "No"),
        ("NO", "NO"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("n", "n"),
        ("true", True),
        ("False", False),
        ("TRUE", True),
        ("010", 10),  # YAML 1.1: octal 8
        ("1:30", "1:30"),  # YAML 1.1: 90 (base 60)
        ("1:30.5", "1:30.5"),
        ("0x1F", 31),
        ("0o17", 15),
        ("1_000", 1000),
        ("-7", -7),
        ("2.10", 2.1),
        ("1.5e+3", 1500.0),
        ("12e4567", "12e4567"),  # a short commit id is no float
        ("2026-12-31", dt.date(2026, 12, 31)),  # policy-suppressions' expires
        ("null", None),
        ("~", None),
        ("'yes'", "yes"),
    ],
)
def test_plain_scalars_are_typed_as_yaml_1_2_types_them(loader, written: str, read):
    value = load(loader, f"v: {written}\n")["v"]
    assert value == read and type(value) is type(read)


@pytest.mark.parametrize("loader", LOADERS)
def test_every_plain_mapping_key_is_the_text_written(loader):
    data = load(loader, "NO: 1\n2024: 2\ntrue: 3\n~: 4\n1.5: 5\n'q': 6\n")
    assert data == {"NO": 1, "2024": 2, "true": 3, "~": 4, "1.5": 5, "q": 6}
    assert all(type(key) is str for key in data)


@pytest.mark.parametrize("loader", LOADERS)
def test_a_key_written_plain_and_quoted_is_a_duplicate(loader):
    with pytest.raises(yaml_io._DuplicateKey) as caught:
        load(loader, "NO: 1\n'NO': 2\n")
    assert caught.value.key == "NO" and caught.value.line == 2


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return copy_config(tmp_path)


def test_a_warehouse_named_no_is_a_warehouse_named_no(config: Path):
    staging = config / "tiers" / "staging.yaml"
    text = staging.read_text()
    anchor = "    TRANSFORMING: {size: SMALL, max_cluster_count: 1}\n"
    assert anchor in text
    staging.write_text(text.replace(anchor, anchor + "    NO: {size: XSMALL}\n"))
    warehouses = load_platform(config).tier("staging").snowflake.warehouses
    assert warehouses["NO"].size == "XSMALL"


def test_a_tier_named_on_is_a_tier_named_on(config: Path):
    platform = config / "platform.yaml"
    text = platform.read_text()
    platform.write_text(text.replace("  - staging\n", "  - staging\n  - on\n", 1))
    (config / "tiers" / "on.yaml").write_text(
        (config / "tiers" / "staging.yaml").read_text() + "\nrelease:\n  dbt: {target: staging}\n"
    )
    loaded = load_platform(config)
    assert "on" in loaded.tiers and loaded.tier("on").name == "on"


def test_yes_for_a_boolean_is_refused_naming_the_field(config: Path):
    dev = config / "tiers" / "dev.yaml"
    text = dev.read_text()
    assert "    enabled: false\n" in text
    dev.write_text(text.replace("    enabled: false\n", "    enabled: yes\n", 1))
    with pytest.raises(ConfigError) as caught:
        load_platform(config)
    assert str(caught.value).splitlines() == [
        f"{dev}: release.dags.enabled: expected true or false, got a string 'yes'"
    ]


def test_a_value_of_a_field_taking_several_types_is_one_message(config: Path):
    """A tier entry is a name or a mapping: a number there is said once, with the fix."""
    platform = config / "platform.yaml"
    platform.write_text(platform.read_text().replace("  - staging\n", "  - 2.10\n", 1))
    with pytest.raises(ConfigError) as caught:
        load_platform(config)
    lines = [line for line in str(caught.value).splitlines() if ": tiers.2: " in line]
    assert lines == [
        f"{platform}: tiers.2: expected a string or a mapping, "
        "got a number 2.1 (put it in quotes to keep it as written)"
    ]


def test_a_date_where_text_is_expected_says_a_date(config: Path):
    platform = config / "platform.yaml"
    text = platform.read_text()
    assert "\ndescription: " in text
    platform.write_text(text.replace("\ndescription: ", "\ndescription: 2026-12-31\n#", 1))
    with pytest.raises(ConfigError) as caught:
        load_platform(config)
    assert (
        "description: expected a string, got a date datetime.date(2026, 12, 31) "
        "(put it in quotes to keep it as written)"
    ) in str(caught.value)


def test_dbt_files_are_read_as_dbt_reads_them(tmp_path: Path):
    """dbt reads profiles.yml with PyYAML (YAML 1.1): a target `no` is False to dbt, and
    Tierform's check of the targets must see what dbt sees."""
    profiles = tmp_path / "profiles.yml"
    profiles.write_text("p:\n  outputs:\n    no: {type: duckdb}\n    dev: {type: duckdb}\n")
    outputs = yaml_io.read_yaml_mapping(profiles, "profiles.yml", yaml_1_1=True)["p"]["outputs"]
    assert outputs == yaml.safe_load(profiles.read_text())["p"]["outputs"]
    assert False in outputs
