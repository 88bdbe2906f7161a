"""Build checkov's resource graph only from the blocks the selected graph checks can see.

Registers no check. Why: checkov's terraform_json runner builds a graph of every block
before it runs any check, and that graph is what does not scale. Profiled on a generated
platform (cProfile and stack sampling, checkov 3.3.30): ~80% of the run is graph building —
for_each expansion copies the block's whole `for_each` map into a vertex per instance,
then edge building and variable rendering walk every flattened attribute of every vertex
against all the others (`attribute_has_nested_attributes` is quadratic in a block's
attributes) — so cost and memory grew with (instances × map size): 13,947 instances
reached 18 GB unfinished. Yet only checkov's *graph* checks read the graph; resource
checks (ours and the built-in Python ones) run on the parsed file itself.

So, before the graph is built, the resource blocks are narrowed to those whose type some
*selected* graph check names (its resource and connected types, sub-checks included) plus
every block they reference, transitively, so references still render. Blocks of other types
cannot change a graph check's result, and every resource check still sees every block.
Which checks run comes from the gate's TIERFORM_POLICY_CONTEXT (`checks`); without it (a
hand-run checkov), or when a selected graph check targets every type, nothing is narrowed.
Line numbers and file paths stay those of the real file: only the graph's input shrinks.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from checkov.common.checks_infra.registry import get_graph_checks_registry
from checkov.terraform.graph_manager import TerraformGraphManager

CONTEXT_VARIABLE = "TIERFORM_POLICY_CONTEXT"
_REFERENCE = re.compile(r"\b([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)")


def _selected_checks() -> set[str] | None:
    raw = os.environ.get(CONTEXT_VARIABLE)
    if not raw:
        return None
    checks = json.loads(raw).get("checks")
    return set(checks) if isinstance(checks, list) else None


def _types_of(check: Any) -> set[str]:
    found = set(check.resource_types or []) | set(check.connected_resources_types or [])
    for sub in check.sub_checks or []:
        if sub is not None:
            found |= _types_of(sub)
    return found


def graph_resource_types() -> set[str] | None:
    """Resource types the selected graph checks read, or None: keep every block."""
    selected = _selected_checks()
    if selected is None:
        return None
    registry = get_graph_checks_registry("terraform")
    registry.load_checks()
    types: set[str] = set()
    for check in registry.checks:
        if check.id in selected or (check.bc_id and check.bc_id in selected):
            types |= _types_of(check)
    if "all" in types or "*" in types:
        return None
    return types


def _address(entry: dict[str, Any]) -> str:
    ((rtype, named),) = entry.items()
    (name,) = named
    return f"{rtype}.{name}"


def narrow(definition: dict[str, Any], types: set[str]) -> dict[str, Any]:
    """The file's definition with only the resource blocks of `types` and what they
    reference (other sections kept whole: they are small and may be referenced)."""
    entries = definition.get("resource")
    if not isinstance(entries, list):
        return definition
    by_address: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if not (isinstance(entry, dict) and len(entry) == 1):
            return definition  # a shape this module does not know: change nothing
        named = next(iter(entry.values()))
        if not (isinstance(named, dict) and len(named) == 1):
            return definition
        by_address[_address(entry)] = entry
    wanted = {a for a in by_address if a.split(".", 1)[0] in types}
    queue = list(wanted)
    while queue:
        text = json.dumps(by_address[queue.pop()], default=str)
        for match in _REFERENCE.finditer(text):
            address = f"{match[1]}.{match[2]}"
            if address in by_address and address not in wanted:
                wanted.add(address)
                queue.append(address)
    return {**definition, "resource": [e for e in entries if _address(e) in wanted]}


def _scoped(build):
    def build_graph_from_definitions(self, definitions, render_variables=True):
        # terraform_json keys its definitions by file path (str); the HCL runner uses
        # TFDefinitionKey and reads its resource checks' input back from the graph.
        if definitions and all(isinstance(k, str) for k in definitions):
            types = graph_resource_types()
            if types is not None:
                definitions = {path: narrow(d, types) for path, d in definitions.items()}
        return build(self, definitions, render_variables)

    build_graph_from_definitions._tierform = True  # type: ignore[attr-defined]
    return build_graph_from_definitions


if not getattr(TerraformGraphManager.build_graph_from_definitions, "_tierform", False):
    TerraformGraphManager.build_graph_from_definitions = _scoped(  # type: ignore[method-assign]
        TerraformGraphManager.build_graph_from_definitions
    )
