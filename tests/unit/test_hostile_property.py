"""Property: every text field of the example config (each string value and each name key),
set to a hostile value, is refused with exit 2 — one line per problem, no traceback, no
secret printed, cdktf.out untouched. `make fuzz` runs many more examples
(TIERFORM_FUZZ_EXAMPLES)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hostile_values import BAD_NAMES, SECRETS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import EXAMPLE_CONFIG, copy_examples, run_synth_in_process, tree_snapshot

FILES = ["platform.yaml", *(f"tiers/{t}.yaml" for t in ("local", "dev", "staging", "prod"))]
EXAMPLES = int(os.environ.get("TIERFORM_FUZZ_EXAMPLES", "25"))
# Mappings keyed by object names (Identifier keys): a bad name there must be refused.
NAME_KEYED = {"databases", "schemas", "warehouses", "roles", "service_users", "sql_warehouses",
              "cluster_policies", "jobs", "tasks"}  # fmt: skip


def _text_fields(node: Any, prefix: tuple = ()) -> list[tuple[tuple, str]]:
    """(path, "value") for every string value, (path, "key") for every name key."""
    out: list[tuple[tuple, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if prefix and prefix[-1] in NAME_KEYED:
                out.append(((*prefix, key), "key"))
            out += _text_fields(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _text_fields(value, (*prefix, i))
    elif isinstance(node, str):
        out.append((prefix, "value"))
    return out


FIELDS = [
    (file, path, how)
    for file in FILES
    for path, how in _text_fields(yaml.safe_load((EXAMPLE_CONFIG / file).read_text()) or {})
]


@st.composite
def hostile_edits(draw):
    file, path, how = draw(st.sampled_from(FIELDS))
    if how == "key":
        kind = draw(st.sampled_from(["secret", "name"]))
        value = draw(st.sampled_from(sorted(SECRETS if kind == "secret" else BAD_NAMES)))
        return file, path, how, (SECRETS if kind == "secret" else BAD_NAMES)[value]
    shape = draw(st.sampled_from(sorted(SECRETS)))
    return file, path, how, SECRETS[shape]


def _apply(data: Any, path: tuple, how: str, value: str) -> None:
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    if how == "key":
        parent[value] = parent.pop(path[-1])
    else:
        parent[path[-1]] = value


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_edits())
def test_hostile_text_is_refused_everywhere(edit):
    file, path, how, value = edit
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config"
        shutil.copytree(EXAMPLE_CONFIG, config)
        copy_examples(Path(tmp))
        target = config / file
        data = yaml.safe_load(target.read_text())
        _apply(data, path, how, value)
        target.write_text(yaml.safe_dump(data))
        outdir = Path(tmp) / "cdktf.out"
        outdir.mkdir()
        (outdir / "sentinel").write_text("previous synth")
        before = tree_snapshot(outdir)
        # tierform.synth.main() in this process: an exception fails the test (a traceback).
        result = run_synth_in_process(config, outdir)
        code = result.returncode
        assert code == 2, (file, path, result.stderr)
        assert tree_snapshot(outdir) == before
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert lines and all(": " in line for line in lines)
        for part in value.splitlines():
            if len(part) >= 12 and value in SECRETS.values():
                assert part not in result.stderr
