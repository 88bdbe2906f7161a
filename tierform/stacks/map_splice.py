"""Write the for_each maps that bypassed jsii (tierform/constructs/map_bypass.py) into the
synthesized stack files, in place of their placeholders.

Runs right after `app.synth()`, on the app's own (temporary) output folder and before
anything reads it (guardrail check, template check, summary, then the CLI, gate, triggers,
tfcheck): every reader sees the real maps. Each file is replaced by rename, never rewritten
in place.

The splice works on the text cdktf wrote, not on a parsed copy: parsing and re-indenting a
50,000-instance stack in Python costs seconds, as much as the bypass saves. A map is written
one instance per line at the placeholder's indentation, so the file stays readable. For the
same reason the JSON it hands back is cdktf's own (small: placeholders) with each placeholder
replaced by the map object its entries were encoded from: what the file now holds, without
parsing the 50,000 entries it just wrote (tests/unit/test_map_bypass.py compares the two).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from tierform.constructs.map_bypass import MapBypass


def splice_outdir(outdir: Path, bypass: MapBypass) -> dict[str, dict[str, Any]]:
    """Splice every stack file listed in `outdir`'s cdktf manifest; returns each one's JSON
    as now written, by stack folder name (as `check_synthesized` keys it)."""
    manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    written = {}
    for stack in manifest.get("stacks", {}).values():
        path = outdir / stack["synthesizedStackPath"]
        written[path.parent.name] = splice_file(path, bypass)
    return written


def splice_file(path: Path, bypass: MapBypass) -> dict[str, Any]:
    """Splice one stack file in place; returns its JSON as now written."""
    text = path.read_text(encoding="utf-8")
    written = json.loads(text)
    if bypass.marker not in text:
        return written
    spliced = splice_text(text, bypass)
    if bypass.marker in spliced:
        # A placeholder cdktf copied somewhere other than a map value (inside a string, say):
        # the splice cannot reach it, and writing it out would be wrong Terraform.
        raise RuntimeError(f"{path}: a for_each placeholder survived the splice ({bypass.marker})")
    tmp = path.with_name(f".{path.name}.splice-{os.getpid()}")
    tmp.write_text(spliced, encoding="utf-8")
    tmp.replace(path)
    return _with_maps(written, bypass)


def _with_maps(value: Any, bypass: MapBypass) -> Any:
    """`value` (cdktf's JSON) with each placeholder object replaced by its map, as the text
    splice above replaces it (a surviving marker has already been refused)."""
    if isinstance(value, dict):
        if len(value) == 1 and bypass.marker in value:
            return bypass.maps[value[bypass.marker]]
        return {key: _with_maps(item, bypass) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_maps(item, bypass) for item in value]
    return value


def splice_text(text: str, bypass: MapBypass) -> str:
    """`text` (a stack's JSON) with every placeholder object replaced by its map."""
    # cdktf writes `{\n<indent>"<marker>": "<id>"\n<indent - 2>}`; any spacing is accepted.
    placeholder = re.compile(
        r'\{(?P<space>\s*)"' + re.escape(bypass.marker) + r'"\s*:\s*"(?P<ref>\d+)"\s*\}'
    )

    def write(match: re.Match[str]) -> str:
        entries = bypass.entries[match["ref"]]
        if not entries:
            return "{}"
        indent = match["space"].rpartition("\n")[2]
        closing = indent[:-2] if indent.endswith("  ") else ""
        return "{\n" + indent + entries.replace("\n", ",\n" + indent) + "\n" + closing + "}"

    return placeholder.sub(write, text)
