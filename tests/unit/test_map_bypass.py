"""for_each maps bypassing jsii (tierform/constructs/map_bypass.py, tierform/stacks/map_splice.py):
the synthesized stacks are the same JSON as through cdktf, on the example, helix and a
generated platform; only Tierform's own app bypasses, so a library user's cdktf App and
`Testing.synth` still get the real maps; maps with tokens go through cdktf. Synth only."""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import pytest
from support import EXAMPLE_CONFIG, HELIX_CONFIG, REPO, run_synth_in_process

from tierform.config import load_platform
from tierform.constructs import map_bypass
from tierform.constructs.framework import App, TerraformStack, Token
from tierform.constructs.framework import Testing as CdktfTesting
from tierform.constructs.map_bypass import BYPASS_VARIABLE, MapBypass
from tierform.stacks.app import build_app
from tierform.stacks.map_splice import splice_file, splice_text
from tierform.stacks.tier_stack import TierStack

sys.path.insert(0, str(REPO / "scripts"))
from bench_platforms import generate_config


def _stacks(outdir: Path) -> dict[str, dict]:
    return {
        path.parent.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(outdir.glob("stacks/*/cdk.tf.json"))
    }


def _generated(tmp_path: Path) -> Path:
    config = tmp_path / "generated" / "config"
    generate_config(config, 120)  # ~1k instances, every kind of block of the benchmark
    return config


@pytest.mark.parametrize("platform", ["example", "helix", "generated"])
def test_bypassed_synth_writes_the_same_json_as_cdktf(platform: str, tmp_path: Path) -> None:
    config = {"example": EXAMPLE_CONFIG, "helix": HELIX_CONFIG}.get(platform) or _generated(
        tmp_path
    )
    fast = run_synth_in_process(config, tmp_path / "fast")
    slow = run_synth_in_process(config, tmp_path / "slow", **{BYPASS_VARIABLE: "0"})
    assert fast.returncode == 0, fast.stderr
    assert slow.returncode == 0, slow.stderr
    bypassed, through_cdktf = _stacks(tmp_path / "fast"), _stacks(tmp_path / "slow")
    assert bypassed.keys() == through_cdktf.keys() and bypassed
    for name in bypassed:
        assert bypassed[name] == through_cdktf[name], name
    raw = "".join(p.read_text() for p in (tmp_path / "fast").glob("stacks/*/cdk.tf.json"))
    assert "tierform-map-bypass-" not in raw
    assert not list((tmp_path / "fast").rglob(".*splice*"))  # no temp file left behind


def test_tierform_app_hands_its_maps_to_the_bypass_and_only_while_building(tmp_path) -> None:
    platform = load_platform(EXAMPLE_CONFIG)
    bypass = MapBypass()
    app = build_app(platform, tmp_path, [platform.tiers["dev"]], [], bypass=bypass)
    assert bypass.entries, "no for_each map took the bypass"
    assert map_bypass.active() is None  # nothing built after build_app returns is affected
    app.synth()
    raw = (tmp_path / "stacks" / "dev" / "cdk.tf.json").read_text()
    assert bypass.marker in raw  # what cdktf wrote: placeholders, until the splice
    splice_file(tmp_path / "stacks" / "dev" / "cdk.tf.json", bypass)
    assert bypass.marker not in (tmp_path / "stacks" / "dev" / "cdk.tf.json").read_text()


def test_a_plain_cdktf_app_and_testing_synth_get_the_real_maps(tmp_path) -> None:
    platform = load_platform(EXAMPLE_CONFIG)
    tier = platform.tiers["dev"]
    app = App(outdir=str(tmp_path))
    TierStack(app, tier)
    app.synth()
    written = json.loads((tmp_path / "stacks" / "dev" / "cdk.tf.json").read_text())
    schemas = written["resource"]["snowflake_schema"]
    assert all("tierform-map-bypass-" not in json.dumps(b["for_each"]) for b in schemas.values())
    assert any(len(b["for_each"]) > 1 for b in schemas.values())

    tested = json.loads(CdktfTesting.synth(TierStack(App(), tier)))
    assert {n: b["for_each"] for n, b in tested["resource"]["snowflake_schema"].items()} == {
        n: b["for_each"] for n, b in schemas.items()
    }


def test_a_map_holding_tokens_or_objects_goes_through_cdktf() -> None:
    bypass = MapBypass()
    stack = TerraformStack(App(), "s")
    assert bypass.placeholder({"A": {"name": "a", "n": 1.5, "tags": ["x"], "v": None}})
    assert bypass.placeholder({"A": {"ref": Token.as_string(Token.as_any("x"))}}) is None
    assert bypass.placeholder({"A": {"n": Token.as_number(Token.as_any(3))}}) is None
    assert bypass.placeholder({"A": {"scope": stack}}) is None
    assert bypass.placeholder({"A": {"n": float("nan")}}) is None
    assert bypass.placeholder({"A": {"n": [float("-inf")]}}) is None  # orjson: null, silently
    assert bypass.placeholder({"A": {"on": datetime.date(2026, 1, 1)}}) is None
    assert len(bypass.entries) == 1


def test_a_bypassed_map_is_written_as_the_standard_library_reads_it() -> None:
    """orjson writes the maps (map_bypass._entries); whatever it is handed, the text means
    what the standard library's encoder wrote before, and a map it refuses still bypasses
    when the standard library takes it (a nested integer key, an integer past 64 bits)."""
    tricky = {
        'q"uote\\back': {"s": "tab\tnl\ncr\r\x00\x1f\u2028\u00e4\U0001f600", "n": -0.1},
        "B": {"big": 2**63 - 1, "small": 1e-300, "huge": 1e16, "none": None, "t": [True, False]},
        "C": {"nested": {"1": {"deep": ["x", {"y": 3}]}}},
    }
    for literal in (tricky, {"A": {"by_number": {1: "one"}}}, {"A": {"n": 2**70}}):
        bypass = MapBypass()
        assert bypass.placeholder(literal) is not None
        lines = bypass.entries["0"].split("\n")
        assert len(lines) == len(literal)  # one line per instance
        written = json.loads("{" + ",".join(lines) + "}")
        assert written == json.loads(json.dumps(literal, ensure_ascii=False))


def test_the_splice_keeps_indentation_and_refuses_a_stray_placeholder(tmp_path) -> None:
    bypass = MapBypass()
    ref = bypass.placeholder({"B": {"name": "b"}, "A": {"name": "ä"}})
    empty = bypass.placeholder({})
    text = json.dumps({"r": {"for_each": ref, "none": empty}}, indent=2)
    spliced = splice_text(text, bypass)
    assert json.loads(spliced) == {
        "r": {"for_each": {"B": {"name": "b"}, "A": {"name": "ä"}}, "none": {}}
    }
    assert '\n      "A": {"name":"ä"}\n    }' in spliced  # one instance per line, nested

    stray = tmp_path / "cdk.tf.json"
    stray.write_text(json.dumps({"ref": ref, "text": f"{bypass.marker}"}))
    with pytest.raises(RuntimeError, match="placeholder survived"):
        splice_file(stray, bypass)
    assert json.loads(stray.read_text())["ref"] == ref  # left as it was, not half-written


def test_the_bypass_is_on_unless_turned_off(monkeypatch) -> None:
    monkeypatch.delenv(BYPASS_VARIABLE, raising=False)
    assert map_bypass.enabled()
    for off in ("0", "false", "off", "No"):
        monkeypatch.setenv(BYPASS_VARIABLE, off)
        assert not map_bypass.enabled()


def test_iterators_write_each_value_strings_without_jsii_only_inside_the_bypass() -> None:
    from tierform.constructs import foreach

    with map_bypass.collecting(MapBypass()):
        fast = foreach.iterator({"a": {"name": "x", "odd-key": "y"}})
    plain = foreach.iterator({"a": {"name": "x"}})
    assert fast.get_string("name") == "${each.value.name}"
    # Not an identifier: cdktf writes it as an index, so it keeps cdktf's token.
    assert fast.get_string("odd-key").startswith("${TfToken[")
    assert "get_string" not in plain.__dict__
    assert plain.get_string("name").startswith("${TfToken[")


def test_constructs_build_no_cdktf_expression_around_iterator_values() -> None:
    """A for_each iterator's `get_string` is a plain `${each.value.x}` string inside the
    bypass (constructs/foreach.py): right as an attribute value, a quoted literal inside a
    cdktf expression. So the framework seam offers none, and no construct's code names one
    (imports, names and attributes, read with `ast`: comments and docstrings aside)."""
    import ast

    from tierform.constructs import framework

    expressions = {"Fn", "Op", "conditional", "property_access", "Expression", "FnGenerated"}
    assert not expressions & set(framework.__all__)
    found = []
    for path in (REPO / "tierform" / "constructs").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.ImportFrom)
                else [node.id]
                if isinstance(node, ast.Name)
                else [node.attr]
                if isinstance(node, ast.Attribute)
                else []
            )
            found += [
                f"{path.relative_to(REPO)}:{node.lineno} {n}" for n in names if n in expressions
            ]
    assert not found


@pytest.mark.parametrize("platform", ["example", "generated"])
def test_the_json_the_synth_hands_on_is_what_it_wrote(platform: str, tmp_path: Path) -> None:
    # The splice hands back cdktf's JSON with its maps put back, not the spliced file parsed
    # again; the guardrails, the template check and the summary read that.
    from tierform.stacks.app import synthesize_atomically
    from tierform.synth import select

    config = EXAMPLE_CONFIG if platform == "example" else _generated(tmp_path)
    loaded = load_platform(config)
    tiers, sandboxes = select(loaded, None)
    outdir = tmp_path / "out"
    handed_on = synthesize_atomically(loaded, outdir, tiers, sandboxes)
    assert handed_on == _stacks(outdir)
    assert any(
        len(block.get("for_each", {})) > 1
        for stack in handed_on.values()
        for blocks in stack.get("resource", {}).values()
        for block in blocks.values()
    )


def test_only_a_map_whose_text_holds_no_template_sequence_is_template_free() -> None:
    bypass = MapBypass()
    plain = bypass.placeholder({"A": {"name": "a {b} $c %d", "n": 1}})
    marked = [
        bypass.placeholder({"A": {"comment": 'x ${file("/etc/passwd")}'}}),
        bypass.placeholder({"A": {"tags": ["%{ if true }x%{ endif }"]}}),
        bypass.placeholder({"${var.k}": {"name": "a"}}),
        bypass.placeholder({"A": {"nested": {"deep": "$${escaped}"}}}),
    ]
    assert bypass.template_free == {plain[bypass.marker]}
    assert all(ref[bypass.marker] not in bypass.template_free for ref in marked)
    assert bypass.template_free_ids() == {id(bypass.maps[plain[bypass.marker]])}


def test_config_text_that_escaped_the_literal_rule_in_a_bypassed_map_is_refused(
    monkeypatch, tmp_path: Path
) -> None:
    # The literal rule switched off: a schema comment reaches a for_each map as a template.
    # The template check must still find it there, although it skips template-free maps.
    from support import copy_config

    from tierform.constructs import literal

    config = copy_config(tmp_path)
    prod = config / "tiers" / "prod.yaml"
    text = prod.read_text()
    assert "{comment: Payment provider exports}" in text
    prod.write_text(
        text.replace(
            "{comment: Payment provider exports}", '{comment: "${file(\\"/etc/passwd\\")}"}'
        )
    )
    monkeypatch.setattr(literal, "literal", lambda text: text)
    done = run_synth_in_process(config, tmp_path / "out", TIERFORM_TIERS="prod")
    assert done.returncode != 0, done.stderr
    assert "TIERFORM_GUARD_003" in done.stderr
    assert "snowflake_schema.schemas.for_each.RAW.PAYMENTS.comment" in done.stderr
    assert not (tmp_path / "out").exists()
