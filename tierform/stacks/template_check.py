"""Second line behind tierform/constructs/literal.py: every live template in a synthesized
stack must be one tierform's constructs write.

What our constructs write inside `${…}`: references (`aws_s3_bucket.x.id`, `var.k`,
`each.value.name`, a dynamic block's iterator such as `acl.value.x`, `data.t.n.attr`) and a
few pure functions over them (`lookup(acl.value, "group_name", null)`, `can(regex(…))`).
Never a directive (`%{…}`) and never a function that reads files or the machine. Anything
else is config text that escaped the literal rule (a construct bug): synth refuses it, so it
can never be planned. The `terraform` block is skipped: Terraform reads it literally.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

# Functions our constructs may emit: pure, no file, path or environment access.
OWN_FUNCTIONS = frozenset(
    {
        "lookup",
        "can",
        "regex",
        "tostring",
        "tonumber",
        "tolist",
        "toset",
        "tomap",
        "jsonencode",
        "merge",
        "concat",
        "coalesce",
        "length",
        "keys",
        "values",
        "contains",
        "lower",
        "upper",
        "format",
        "join",
        "split",
        "try",
        "flatten",
        "distinct",
        "sort",
    }
)
_REFERENCE_ROOTS = frozenset({"var", "local", "each", "count", "self", "data", "module", "path"})
_KEYWORDS = frozenset({"null", "true", "false"})
_TOKEN = re.compile(
    r'\s+|(?P<ident>[A-Za-z_][A-Za-z0-9_-]*)|(?P<number>\d+(?:\.\d+)?)|(?P<string>")'
    r"|(?P<punct>==|!=|>=|<=|&&|\|\||[.\[\](),?:!<>+\-*/%])"
)


def check_synthesized(
    outdir: Path,
    parsed: dict[str, dict[str, Any]] | None = None,
    *,
    template_free: Collection[int] = (),
) -> list[str]:
    """`TIERFORM_GUARD_003` violations (`stacks/<s>/cdk.tf.json: json.path: problem`) of a
    synthesized output folder; empty when every template is tierform's own. Each stack's
    JSON, as read, goes into `parsed` (by stack folder name) for callers that need it next;
    a stack already in `parsed` (the map splice hands back what it wrote) is not read again.
    `template_free`: see `foreign_templates`."""
    found = []
    for stack_file in sorted(outdir.glob("stacks/*/cdk.tf.json")):
        shown = stack_file.relative_to(outdir)
        stack_json = (parsed or {}).get(stack_file.parent.name)
        if stack_json is None:
            stack_json = json.loads(stack_file.read_text())
            if parsed is not None:
                parsed[stack_file.parent.name] = stack_json
        for path, problem in foreign_templates(stack_json, template_free):
            found.append(
                f"{shown}: {path}: TIERFORM_GUARD_003 config text reached Terraform as an "
                f"expression ({problem}); config strings must be emitted through "
                "tierform.constructs.literal"
            )
    return found


def foreign_templates(
    stack_json: dict[str, Any], template_free: Collection[int] = ()
) -> Iterator[tuple[str, str]]:
    """(json path, problem) for each template in the stack that tierform does not write.

    `template_free`: `id()`s of objects in `stack_json` already known to hold no `${` or
    `%{` at any depth (bypassed for_each maps, constructs/map_bypass.py): the first pass
    skips them (~50,000 instances at 50k). Nothing in them can be a problem; a dynamic
    block's iterator name is not looked for there (map data is not a block), which can only
    refuse more. The path walk, run only when something is wrong, still walks everything."""
    roots = set(_REFERENCE_ROOTS) | set(stack_json.get("resource", {}))
    checked = {key: value for key, value in stack_json.items() if key != "terraform"}
    braced, iterators = _scan(checked, template_free)
    roots |= set(_dynamic_iterators(stack_json.get("terraform"))) | iterators
    # The walk below builds a JSON path for each of the ~10^5 strings of a big stack; most
    # stacks have no problem at all, which the distinct strings with a `{` already show.
    if not any(template_problems(text, roots) for text in braced):
        return
    for key, value in checked.items():
        yield from _walk(value, key, roots)


def _scan(value: Any, template_free: Collection[int] = ()) -> tuple[set[str], set[str]]:
    """The distinct strings (values and keys) holding a `{`, and the dynamic blocks'
    iterator names (as `_dynamic_iterators` finds them), in one pass without paths."""
    braced: set[str] = set()
    iterators: set[str] = set()
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "{" in item:
                braced.add(item)
        elif isinstance(item, dict):
            if id(item) in template_free:
                continue
            for key, child in item.items():
                if "{" in key:
                    braced.add(key)
                if key == "dynamic" and isinstance(child, dict):
                    iterators.update(_dynamic_iterators({key: child}, nested=False))
                pending.append(child)
        elif isinstance(item, list):
            pending.extend(item)
    return braced, iterators


def _walk(value: Any, path: str, roots: set[str]) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        for problem in template_problems(value, roots):
            yield path, problem
    elif isinstance(value, dict):
        for key, item in value.items():
            for problem in template_problems(str(key), roots):
                yield f"{path}.{key}", f"in a key: {problem}"
            yield from _walk(item, f"{path}.{key}", roots)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]", roots)


def _dynamic_iterators(value: Any, *, nested: bool = True) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "dynamic" and isinstance(item, dict):
                for label, block in item.items():
                    # Several blocks of one type are a list of specs (Terraform JSON).
                    for spec in block if isinstance(block, list) else [block]:
                        yield spec.get("iterator", label) if isinstance(spec, dict) else label
            if nested:
                yield from _dynamic_iterators(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dynamic_iterators(item)


def template_problems(text: str, roots: set[str]) -> list[str]:
    """Problems with the live template sequences of one Terraform string."""
    if "{" not in text:  # most strings: nothing to scan (a big stack has ~10^5 of them)
        return []
    problems: list[str] = []
    index = 0
    while index < len(text):
        if text.startswith(("$${", "%%{"), index):
            index += 3
            continue
        if text.startswith("%{", index):
            problems.append(f"template directive {_shorten(text[index:])}")
            index += 2
            continue
        if text.startswith("${", index):
            end = _expression_end(text, index + 2)
            expression = text[index + 2 : end]
            problem = _expression_problem(expression, roots)
            if problem:
                problems.append(f"{problem} in ${{{_shorten(expression)}}}")
            index = end + 1
            continue
        index += 1
    return problems


def _expression_end(text: str, start: int) -> int:
    """Index of the `}` closing the interpolation opened before `start` (quotes respected)."""
    depth, index = 0, start
    while index < len(text):
        char = text[index]
        if char == '"':
            index = _string_end(text, index) + 1
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return index
            depth -= 1
        index += 1
    return len(text)


def _string_end(text: str, start: int) -> int:
    index = start + 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == '"':
            return index
        index += 1
    return len(text)


def _expression_problem(expression: str, roots: set[str]) -> str | None:
    index, previous = 0, ""
    while index < len(expression):
        match = _TOKEN.match(expression, index)
        if match is None:
            return f"unexpected {expression[index]!r}"
        if match["string"]:
            end = _string_end(expression, index)
            inner = expression[index + 1 : end]
            nested = template_problems(inner, roots)
            if nested:
                return nested[0]
            index, previous = end + 1, "string"
            continue
        token = match.group(0)
        index = match.end()
        if match["ident"] and previous != ".":
            rest = expression[index:].lstrip()
            if rest.startswith("("):
                if token not in OWN_FUNCTIONS:
                    return f"function {token}() is not one tierform writes"
            elif token not in roots and token not in _KEYWORDS:
                return f"reference {token!r} is not one tierform writes"
        if not token.isspace():
            previous = token
    return None


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
