"""The stacks of a synthesized output: their tier kind, protection and declared resources."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tierform.config import PlatformConfig
from tierform.synth import count_resources

KINDS = ("local", "dev", "staging", "prod")


@dataclass(frozen=True)
class StackInfo:
    name: str
    file: Path
    kind: str
    protected: bool
    # `type.name` of every resource block in cdk.tf.json, with its first line.
    declared: dict[str, int]
    # Where the kind came from: "config" or "name" (a guess from the stack name).
    source: str
    # Resource instances (a for_each block counts each key), as the synth summary counts.
    instances: int = 0


class UnreadableStack(Exception):
    """A stack file that is not valid JSON: checkov could not read it either."""


def resource_lines(text: str) -> dict[str, int]:
    """`type.name` → 1-based line of its block, from a pretty-printed cdk.tf.json.

    Line numbers let the gate match checkov's results (which name terraform_json resources
    only as `resource.<name>`) to full addresses.
    """
    found: dict[str, int] = {}
    path: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" ")
        if not stripped.startswith('"'):
            continue
        indent = len(line) - len(stripped)
        key = stripped[1:].split('"', 1)[0]
        while path and path[-1][0] >= indent:
            path.pop()
        path.append((indent, key))
        if len(path) == 3 and path[0][1] == "resource":
            found[f"{path[1][1]}.{key}"] = number
    return found


def _kind_from_name(name: str) -> str:
    if name in KINDS:
        return name
    if name.startswith("dev-"):
        return "dev"
    return "prod"  # unknown: the strictest treatment


def discover(outdir: Path, platform: PlatformConfig | None) -> list[StackInfo]:
    stacks_dir = outdir / "stacks"
    tiers = platform.tiers if platform else {}
    sandboxes = {s.stack: s for s in platform.sandboxes} if platform else {}
    found = []
    for file in sorted(stacks_dir.glob("*/cdk.tf.json")):
        name = file.parent.name
        text = file.read_text(encoding="utf-8")
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise UnreadableStack(f"{file}: not valid JSON ({exc})") from None
        declared_blocks = {
            f"{rtype}.{rname}"
            for rtype, blocks in data.get("resource", {}).items()
            for rname in blocks
        }
        lines = resource_lines(text)
        declared = {address: lines.get(address, 0) for address in sorted(declared_blocks)}
        if name in tiers:
            tier = tiers[name]
            kind, protected, source = tier.kind, tier.is_protected, "config"
        elif name in sandboxes:
            kind, protected, source = sandboxes[name].tier.kind, False, "config"
        else:
            kind = _kind_from_name(name)
            protected, source = kind == "prod", "name"
        instances = sum(count_resources(data).values())
        found.append(StackInfo(name, file, kind, protected, declared, source, instances))
    return found
