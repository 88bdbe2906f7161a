"""Config text is never a Terraform expression (issue 18, item 2).

Every text field of the example config (tests/text_fields.py walks the pydantic models: 400+
fields, map keys and list items included) is set in turn to a template that would read the
environment, `${file("/proc/self/environ")}`, and to a directive, `%{ if true }x%{ endif }`.
Each is either refused at load (a ConfigError: exit 2) or, with all accepted ones at once,
synthesized; then every synthesized string holding one is (1) statically escaped and (2) fed
to the real terraform as a `terraform_data` input, whose applied value must be the literal
text, with the environment's canary nowhere in it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from support import copy_config, run_synth
from terraform_data_stack import Stack
from text_fields import TextField, apply_edits, text_fields

from tierform.config import ConfigError, load_platform
from tierform.stacks.template_check import check_synthesized

pytestmark = pytest.mark.integration

HOSTILE = {
    "template": '${file("/proc/self/environ")}',
    "directive": "%{ if true }x%{ endif }",
}
CANARY = "tierform-canary-5f1e"


def _marker(kind: str, index: int) -> str:
    return f"{HOSTILE[kind]}~{index}~"


def _loads(config_dir: Path) -> bool:
    try:
        load_platform(config_dir)
    except ConfigError:
        return False
    return True


def _compatible_groups(config_dir: Path, edits: list[tuple[TextField, str]]) -> list[list]:
    """Split accepted edits into groups that load together (one synth per group)."""
    originals = {f.file: (config_dir / f.file).read_text() for f, _ in edits}

    def loads(group: list) -> bool:
        apply_edits(config_dir, group)
        try:
            return _loads(config_dir)
        finally:
            for file, text in originals.items():
                (config_dir / file).write_text(text)

    def split(group: list) -> list[list]:
        if not group or loads(group):
            return [group] if group else []
        if len(group) == 1:
            return []  # loads alone, not with others: covered by its own load only
        half = len(group) // 2
        return split(group[:half]) + split(group[half:])

    return split(edits)


def _strings(node, path="") -> list[tuple[str, str]]:
    if isinstance(node, str):
        return [(path, node)]
    if isinstance(node, dict):
        out = []
        for key, value in node.items():
            out += [(f"{path}.{key}", key)] if isinstance(key, str) and "~" in key else []
            out += _strings(value, f"{path}.{key}")
        return out
    if isinstance(node, list):
        return [s for i, v in enumerate(node) for s in _strings(v, f"{path}[{i}]")]
    return []


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    root = tmp_path_factory.mktemp("literal")
    config_dir = copy_config(root)
    fields = text_fields(load_platform(config_dir))
    accepted: list[tuple[TextField, str]] = []
    refused: list[str] = []
    crashed: list[str] = []
    for kind in HOSTILE:
        for index, field in enumerate(fields):
            text = _marker(kind, index)
            original = (config_dir / field.file).read_text()
            apply_edits(config_dir, [(field, text)])
            try:
                (accepted.append((field, text)) if _loads(config_dir) else refused.append(text))
            except Exception as exc:  # a crash is a finding, not a pass
                crashed.append(f"{field}: {type(exc).__name__}: {exc}")
            finally:
                (config_dir / field.file).write_text(original)
    groups = _compatible_groups(config_dir, accepted)
    outputs = []
    for number, group in enumerate(groups):
        group_dir = root / f"group{number}"
        group_config = copy_config(group_dir)
        apply_edits(group_config, group)
        outdir = group_dir / "cdktf.out"
        result = run_synth(group_config, outdir)
        outputs.append((group, outdir, result))
    return fields, accepted, refused, crashed, outputs


def test_every_text_field_was_tried(sweep):
    fields, accepted, refused, crashed, _ = sweep
    assert len(fields) > 300
    assert len(accepted) + len(refused) + len(crashed) == 2 * len(fields)
    assert not crashed, "\n".join(crashed[:20])
    # Comments, descriptions, tags, cron, parameters, hosts… are free text: many accepted.
    assert len(accepted) > 100


def test_accepted_hostile_text_synthesizes_and_is_escaped_everywhere(sweep):
    _, accepted, _, _, outputs = sweep
    reached = set()
    for group, outdir, result in outputs:
        assert result.returncode == 0, result.stderr[-3000:]
        assert check_synthesized(outdir) == []
        for stack_file in outdir.glob("stacks/*/cdk.tf.json"):
            stack = json.loads(stack_file.read_text())
            # Backend settings are plain strings to Terraform (see tierform/constructs/literal.py)
            # and cdktf's "//" metadata is a comment: neither is evaluated.
            stack.pop("terraform", None)
            stack.pop("//", None)
            text = json.dumps(stack)
            for _, marker in group:
                raw = json.dumps(marker)[1:-1]  # as it appears inside the JSON text
                escaped = raw.replace("${", "$${").replace("%{", "%%{")
                if escaped in text:
                    reached.add(marker)
                # the unescaped form may only occur as part of the escaped one
                assert text.count(raw) <= text.count(escaped), (stack_file, marker)
    covered = sum(len(group) for group, _, _ in outputs)
    assert covered >= len(accepted) * 0.9
    # Most accepted text reaches a stack (platform description, promotion refs do not).
    assert len(reached) > 80


def test_terraform_reads_every_synthesized_hostile_string_as_a_literal(sweep, tmp_path):
    _, _, _, _, outputs = sweep
    inputs: dict[str, str] = {}
    for _, outdir, _ in outputs:
        for stack_file in sorted(outdir.glob("stacks/*/cdk.tf.json")):
            stack = json.loads(stack_file.read_text())
            stack.pop("terraform", None)  # backend settings: read literally by Terraform
            for path, value in _strings(stack):
                if "~" in value and ("file(" in value or "if true" in value):
                    inputs[f"{stack_file.parent.name}{path}"] = value
    assert len(inputs) > 80
    names = sorted(inputs)
    # `//` (cdktf metadata) is a comment, not evaluated
    names = [n for n in names if ".//." not in n and not n.split(".", 1)[1].startswith("//")]
    stack = Stack(tmp_path, "literal")
    stack.write({f"s{i}": {"input": inputs[name]} for i, name in enumerate(names)})
    doc = json.loads((stack.dir / "cdk.tf.json").read_text())
    doc["output"] = {
        "all": {"value": {f"s{i}": f"${{terraform_data.s{i}.output}}" for i in range(len(names))}}
    }
    (stack.dir / "cdk.tf.json").write_text(json.dumps(doc))
    os.environ["TIERFORM_CANARY"] = CANARY  # what file("/proc/self/environ") would leak
    try:
        stack.init()
        stack.apply()
        applied = json.loads(stack.tf("output", "-json", "all").stdout)
    finally:
        os.environ.pop("TIERFORM_CANARY")
    for i, name in enumerate(names):
        expected = inputs[name].replace("$${", "${").replace("%%{", "%{")
        assert applied[f"s{i}"] == expected, name
        assert CANARY not in applied[f"s{i}"]
        assert HOSTILE["template"] in expected or HOSTILE["directive"] in expected
