"""One framework seam (README "Frameworks: cdktf and CDK Terrain"): cdktf, cdktn and
`constructs` are imported only by tierform/constructs/framework.py, each provider package
only by its bindings module; a chosen Terraform address goes through
tierform/constructs/addresses.py (claimed per stack), never a bare override_logical_id."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from support import REPO

PACKAGE = REPO / "tierform"
SEAMS = {
    "cdktf": "tierform/constructs/framework.py",
    "cdktn": "tierform/constructs/framework.py",
    "constructs": "tierform/constructs/framework.py",
    "cdktf_cdktf_provider_snowflake": "tierform/constructs/snowflake/bindings.py",
    "cdktn_provider_snowflake": "tierform/constructs/snowflake/bindings.py",
    "cdktf_cdktf_provider_databricks": "tierform/constructs/databricks/bindings.py",
    "cdktn_provider_databricks": "tierform/constructs/databricks/bindings.py",
}


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
    return found


def test_framework_and_providers_are_imported_only_through_their_seam() -> None:
    stray = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = str(path.relative_to(REPO))
        for line, top in _imports(path):
            if top in SEAMS and SEAMS[top] != relative:
                stray.append(f"{relative}:{line} imports {top} (use {SEAMS[top]})")
    assert not stray, "\n".join(stray)


def test_addresses_are_claimed_not_overridden_directly() -> None:
    stray = [
        f"{path.relative_to(REPO)}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if ".override_logical_id(" in path.read_text()
        and path != PACKAGE / "constructs" / "addresses.py"
    ]
    assert not stray, f"use tierform.constructs.addresses.stable_address in {stray}"


@pytest.mark.parametrize("seam", sorted(set(SEAMS.values())))
def test_both_frameworks_offer_the_same_names(seam: str) -> None:
    """Each seam imports the same names in its cdktf and its cdktn branch."""
    tree = ast.parse((REPO / seam).read_text())
    [branch] = [n for n in tree.body if isinstance(n, ast.If)]
    names = []
    for body in (branch.body, branch.orelse):
        imported = [
            (node.module.replace("cdktf_cdktf_provider", "provider").replace("cdktn_", ""), a.name)
            for node in body
            if isinstance(node, ast.ImportFrom)
            for a in node.names
        ]
        names.append(
            sorted((m.replace("cdktf", "fw").replace("cdktn", "fw"), n) for m, n in imported)
        )
    assert names[0] == names[1]
    assert names[0]
