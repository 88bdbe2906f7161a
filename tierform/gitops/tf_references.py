"""References in a Terraform JSON configuration that point at nothing it declares.

`terraform validate` finds these, but only with every provider installed; a stack with
Snowflake or Databricks resources cannot be validated where those providers cannot be
fetched. This check needs no provider: it reads each `${…}` expression and resolves the
references (`<type>.<name>`, `var.x`, `local.x`, `data.<type>.<name>`, `module.x`) against
the blocks the configuration declares. Iterators (`each`, `count`, dynamic block
iterators, `for` variables) and Terraform's own objects (`path`, `terraform`, `self`) are
always in scope.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_ALWAYS = {"each", "count", "self", "path", "terraform"}
_REF = re.compile(r"(?<![\w.\]\)])([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?")
_FOR = re.compile(r"\bfor\s+([A-Za-z_]\w*)(?:\s*,\s*([A-Za-z_]\w*))?\s+in\b")
_KINDS = {"var": "input variable", "local": "local value", "module": "module"}
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def expressions(text: str) -> Iterator[str]:
    """The `${…}` expressions of a template string (`$${` is an escaped literal)."""
    i = 0
    while (start := text.find("${", i)) != -1:
        if start > 0 and text[start - 1] == "$":
            i = start + 2
            continue
        depth, j, quoted = 1, start + 2, False
        while j < len(text) and depth:
            char = text[j]
            if quoted:
                if char == "\\":
                    j += 1
                elif char == '"':
                    quoted = False
            elif char == '"':
                quoted = True
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            j += 1
        yield text[start + 2 : j - 1]
        i = j


def _strings(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "//":  # cdktf metadata
                yield from _strings(value, f"{where}.{key}" if where else key)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, f"{where}[{index}]")
    elif isinstance(node, str):
        yield where, node


def _iterators(node: Any) -> set[str]:
    """Names dynamic blocks bring into scope (the block name, or its `iterator`)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for name, block in (node.get("dynamic") or {}).items():
            # Several blocks of one type are a list of specs (Terraform JSON).
            for spec in block if isinstance(block, list) else [block]:
                found.add(spec.get("iterator", name) if isinstance(spec, dict) else name)
        for key, value in node.items():
            if key != "//":
                found |= _iterators(value)
    elif isinstance(node, list):
        for value in node:
            found |= _iterators(value)
    return found


def undeclared(config: dict) -> list[str]:
    """One line per reference to something not declared, worded as Terraform words it:
    `Reference to undeclared resource: aws_s3_bucket.nope (in resource.….input)`."""
    resources = config.get("resource") or {}
    data = config.get("data") or {}
    declared = {
        "var": set(config.get("variable") or {}),
        "local": set(config.get("locals") or {}),
        "module": set(config.get("module") or {}),
    }
    in_scope = _ALWAYS | _iterators(config)
    problems: list[str] = []
    for where, text in _strings(config, ""):
        for expression in expressions(text):
            local_vars = {v for pair in _FOR.findall(expression) for v in pair if v}
            bare = _STRING.sub('""', expression)
            for root, name, third in _REF.findall(bare):
                if root in in_scope or root in local_vars:
                    continue
                kind = "resource"
                if root in declared:
                    missing = name not in declared[root]
                    ref = f"{root}.{name}"
                    kind = _KINDS[root]
                elif root == "data":
                    missing = not third or third not in (data.get(name) or {})
                    ref = f"data.{name}.{third}"
                else:
                    missing = name not in (resources.get(root) or {})
                    ref = f"{root}.{name}"
                if missing:
                    problems.append(f"Reference to undeclared {kind}: {ref} (in {where})")
    return problems
