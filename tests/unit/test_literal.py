"""The literal rule (tierform/constructs/literal.py) and its synth-time check
(tierform/stacks/template_check.py) on small inputs; the whole-config sweep with real
terraform is tests/integration/test_literal_config_text.py."""

from __future__ import annotations

import json

from support import EXAMPLE_CONFIG

from tierform.config import load_platform
from tierform.constructs.literal import literal, literal_spec
from tierform.stacks.template_check import check_synthesized, foreign_templates


def test_literal_escapes_template_and_directive_sequences():
    assert literal('${file("/proc/self/environ")}') == '$${file("/proc/self/environ")}'
    assert literal("%{ if true }x%{ endif }") == "%%{ if true }x%%{ endif }"
    assert literal("$${already}") == "$$${already}"  # Terraform: `$` + escape → `$${already}`
    assert literal("50% of $5 {x}") == "50% of $5 {x}"


def test_literal_spec_escapes_values_keys_and_list_items_once():
    tier = load_platform(EXAMPLE_CONFIG).tier("prod")
    hostile = '${file("/proc/self/environ")}'
    edited = tier.model_copy(
        update={
            "snowflake": tier.snowflake.model_copy(
                update={
                    "databases": {
                        "RAW": tier.snowflake.databases["RAW"].model_copy(
                            update={"comment": hostile}
                        )
                    }
                }
            ),
            "airflow": tier.airflow.model_copy(update={"tags": {hostile: hostile}}),
        }
    )
    view = literal_spec(edited)
    assert view.snowflake.databases["RAW"].comment == literal(hostile)
    assert view.airflow.tags == {literal(hostile): literal(hostile)}
    assert literal_spec(view) is view  # a view is never escaped twice
    assert view.snowflake.warehouses is edited.snowflake.warehouses  # unchanged parts shared
    assert edited.snowflake.databases["RAW"].comment == hostile  # the spec itself is untouched
    # private state (the naming rule cloud names follow) survives the copy
    assert view.airflow.environment_name(tier.name) == tier.airflow.environment_name(tier.name)


def _stack(value, key="comment"):
    return {
        "resource": {"snowflake_database": {"d": {"for_each": {"RAW": {key: value}}}}},
        "variable": {"k": {}},
        "terraform": {"backend": {"local": {"path": '${file("x")}'}}},
    }


def test_check_refuses_config_text_that_escaped_the_literal_rule():
    for value in ('${file("/proc/self/environ")}', "%{ if true }x%{ endif }", "${env.HOME}"):
        found = list(foreign_templates(_stack(value)))
        assert {p for p, _ in found} == {"resource.snowflake_database.d.for_each.RAW.comment"}
    nested = list(foreign_templates(_stack('${lookup(each.value, "${file(\\"a\\")}")}')))
    assert nested and "file()" in nested[0][1]


def test_check_accepts_what_our_constructs_write():
    ours = [
        "${each.value.name}",
        "$${TIERFORM_ROOT:-../../..}",
        '${lookup(each.value, "group_name", null)}',
        '${snowflake_database.d["RAW"].name}',
        "${var.k}",
        '${can(regex("^[0-9a-f]{40}$", var.k))}',
        "literal %%{ x } and $${ y }",
    ]
    for value in ours:
        assert list(foreign_templates(_stack(value))) == [], value


def test_check_skips_the_terraform_block_and_reports_files(tmp_path):
    stack_dir = tmp_path / "stacks" / "prod"
    stack_dir.mkdir(parents=True)
    (stack_dir / "cdk.tf.json").write_text(json.dumps(_stack("plain")))
    assert check_synthesized(tmp_path) == []
    (stack_dir / "cdk.tf.json").write_text(json.dumps(_stack('${file("/etc/passwd")}')))
    [violation] = check_synthesized(tmp_path)
    assert violation.startswith("stacks/prod/cdk.tf.json: resource.snowflake_database")
    assert "TIERFORM_GUARD_003" in violation


def test_check_knows_nested_dynamic_iterators_and_keys_and_hands_back_what_it_parsed(tmp_path):
    # The distinct-strings pass (no JSON paths) must accept and refuse what the path walk does.
    block = {
        "dynamic": {
            "grant": {
                "for_each": "${each.value.grants}",
                "iterator": "g",
                "content": {
                    "principal": "${g.value.principal}",
                    "dynamic": {"rule": {"for_each": "${g.value.rules}", "content": {}}},
                    "name": "${rule.value.name}",
                },
            }
        }
    }
    stack = {"resource": {"databricks_grants": {"x": block}}}
    assert list(foreign_templates(stack)) == []
    block["dynamic"]["grant"]["content"]['${file("k")}'] = "v"
    [(path, problem)] = foreign_templates(stack)
    assert path.endswith('content.${file("k")}') and problem.startswith("in a key:")

    stack_dir = tmp_path / "stacks" / "dev"
    stack_dir.mkdir(parents=True)
    (stack_dir / "cdk.tf.json").write_text(json.dumps(_stack("plain")))
    parsed: dict = {}
    assert check_synthesized(tmp_path, parsed) == []
    assert parsed == {"dev": _stack("plain")}


def test_the_first_pass_skips_only_the_objects_named_template_free():
    stack = _stack('${file("/etc/passwd")}')
    for_each = stack["resource"]["snowflake_database"]["d"]["for_each"]
    unrelated: dict = {}  # kept alive: an id of a freed object can be reused
    assert list(foreign_templates(stack, template_free={id(unrelated)})) != []
    # Named template-free (the bypass vouches for its written text), the map is not walked;
    # the same content anywhere else still is.
    assert list(foreign_templates(stack, template_free={id(for_each)})) == []
    stack["output"] = {"o": {"value": dict(for_each["RAW"])}}
    # Once something is wrong, the path walk reports every place, skipped maps included.
    found = [path for path, _ in foreign_templates(stack, template_free={id(for_each)})]
    assert found == ["resource.snowflake_database.d.for_each.RAW.comment", "output.o.value.comment"]
