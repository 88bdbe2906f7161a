"""Random mutations of the example config: the answer is always either a clean synth or
exit code 2 with messages — never a traceback, never a partial cdktf.out. A mutation that
still synthesizes costs a full synth (~1 s), so the unit run tries a few;
`make fuzz` runs many more (TIERFORM_CONFIG_FUZZ_EXAMPLES)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import EXAMPLE_CONFIG, copy_examples, run_synth_in_process, tree_snapshot

EXAMPLES = int(os.environ.get("TIERFORM_CONFIG_FUZZ_EXAMPLES", "4"))
FILES = ["platform.yaml", *(f"tiers/{t}.yaml" for t in ("local", "dev", "staging", "prod"))]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5000),
    st.text(max_size=12),
    st.sampled_from(["XSMALL", "HUGE", "prod", "RAW", "LOADER", "{name}", "s3", "schema"]),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=8), scalars, max_size=2),
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


@st.composite
def mutations(draw):
    file = draw(st.sampled_from(FILES))
    data = yaml.safe_load((EXAMPLE_CONFIG / file).read_text()) or {}
    paths = _paths(data)
    path = draw(st.sampled_from(paths)) if paths else ()
    action = draw(st.sampled_from(["delete", "replace", "add_key"]))
    value = draw(values)
    key = draw(st.text(min_size=1, max_size=10))
    return file, path, action, value, key


def _apply(data: Any, path: tuple, action: str, value: Any, key: str) -> Any:
    if not path:
        return value if action == "replace" else data
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "replace":
        parent[last] = value
    elif isinstance(parent[last], dict):
        parent[last][key] = value
    else:
        parent[last] = {key: value}
    return data


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
def test_mutated_config_never_tracebacks_or_half_writes(mutation):
    file, path, action, value, key = mutation
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config"
        shutil.copytree(EXAMPLE_CONFIG, config)
        copy_examples(Path(tmp))
        target = config / file
        data = yaml.safe_load(target.read_text()) or {}
        target.write_text(yaml.safe_dump(_apply(data, path, action, value, key)))
        outdir = Path(tmp) / "cdktf.out"
        outdir.mkdir()
        (outdir / "sentinel").write_text("previous synth")
        before = tree_snapshot(outdir)
        # tierform.synth.main() in this process: an exception fails the test (a traceback).
        result = run_synth_in_process(config, outdir)
        code = result.returncode
        assert code in (0, 2)
        if code == 2:
            assert tree_snapshot(outdir) == before
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            assert lines and all(": " in line for line in lines)
        else:
            assert (outdir / "manifest.json").is_file()
            assert not (outdir / "sentinel").exists()
