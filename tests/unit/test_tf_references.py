"""The reference check tfcheck uses where `terraform validate` cannot run: no false alarm on
any stack of either platform, and every kind of dangling reference found."""

from __future__ import annotations

import json

import pytest
from support import PLATFORMS, shared_synth

from tierform.gitops.tf_references import expressions, undeclared


@pytest.mark.parametrize("name", sorted(PLATFORMS))
def test_every_synthesized_stack_resolves(name, tmp_path_factory):
    outdir = shared_synth(name, tmp_path_factory)
    for path in sorted((outdir / "stacks").glob("*/cdk.tf.json")):
        assert undeclared(json.loads(path.read_text())) == [], path.parent.name


def test_dangling_references_of_every_kind():
    config = {
        "variable": {"known": {"type": "string"}},
        "locals": {"tags": {}},
        "data": {"aws_partition": {"current": {}}},
        "resource": {
            "terraform_data": {
                "ok": {
                    "input": "${var.known}-${local.tags}-${data.aws_partition.current.partition}",
                    "triggers_replace": {"x": "${[for k, v in var.known : v.name]}"},
                    "provisioner": [{"local-exec": {"command": "echo $${HOME.x}"}}],
                },
                "bad": {
                    "input": "${var.nope} ${local.nope} ${data.aws_partition.nope.id}",
                    "triggers_replace": {"y": '${lookup(aws_s3_bucket.nope.tags, "a.b", "")}'},
                },
            }
        },
    }
    assert undeclared(config) == [
        "Reference to undeclared input variable: var.nope (in resource.terraform_data.bad.input)",
        "Reference to undeclared local value: local.nope (in resource.terraform_data.bad.input)",
        "Reference to undeclared resource: data.aws_partition.nope (in resource.terraform_data.bad.input)",
        "Reference to undeclared resource: aws_s3_bucket.nope (in resource.terraform_data.bad.triggers_replace.y)",
    ]


def test_expressions_skip_escapes_and_nest():
    assert list(expressions('a ${x.y} $${z.w} ${f("}", {a = 1})}')) == ["x.y", 'f("}", {a = 1})']
