"""YAML reading that refuses what PyYAML would silently accept (duplicate keys) and what
would hang or exhaust the machine: files input_files.py refuses (a FIFO, /dev/zero, over
4 MiB, not UTF-8) and aliases that add more than MAX_ALIAS_VALUES values once expanded."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tierform.config.error_format import shorten
from tierform.config.errors import ConfigError, ConfigIssue
from tierform.config.input_files import MAX_FILE_BYTES, read_text_file
from tierform.policy.checkov_checks.tierform_secret_shapes import find_secret

__all__ = [
    "MAX_ALIAS_VALUES",
    "MAX_FILE_BYTES",
    "load_yaml_text",
    "read_text_file",
    "read_yaml_mapping",
]

# Values YAML aliases may add to a document once expanded, beyond the values it writes out.
# The example tiers add none; a 417-byte "billion laughs" adds 10^9 and pins a CPU in
# whatever walks it afterwards. What a document writes out itself is bounded by the file
# size (input_files.MAX_FILE_BYTES), not here: a 50,000-instance tier file writes ~81,000.
MAX_ALIAS_VALUES = 100_000


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys instead of keeping the last one."""


# The same loader over libyaml's parser (when PyYAML was built with it): ~6x faster on a
# platform of thousands of schemas, where parsing was most of validation's time. It reads
# only text the pure-Python loader's reader accepts, and any document it refuses is parsed
# again by the pure-Python loader, so errors (and their wording) stay that loader's.
_FastStrictLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _FastStrictLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """CSafeLoader with _StrictLoader's mapping constructor."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    # Keys merged in with `<<: *anchor` may be overridden; a key written twice may not.
    own = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    written: set[Any] = set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise _UnhashableKey(key_node.start_mark.line + 1) from None
        if id(key_node) in own:
            if key in written:
                raise _DuplicateKey(key, key_node.start_mark.line + 1)
            written.add(key)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int):
        self.key, self.line = key, line


class _RecursiveAlias(Exception):
    def __init__(self, line: int):
        self.line = line


class _UnhashableKey(Exception):
    def __init__(self, line: int):
        self.line = line


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
if _FastStrictLoader is not None:
    _FastStrictLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
    )


def _alias_growth(root: yaml.Node) -> int:
    """Values the document's aliases add once expanded: its nodes with every alias expanded,
    minus those it writes out. Computed without expanding (each collection's size once,
    memoised), so a billion laughs costs as little as its text."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    scalar = yaml.ScalarNode
    written = 0

    def size(node: yaml.Node) -> int:
        nonlocal written
        known = sizes.get(id(node))
        if known is not None:  # an alias of a collection already counted
            return known
        if id(node) in open_nodes:  # `a: &a [*a]`: an alias inside its own anchor
            raise _RecursiveAlias(node.start_mark.line + 1)
        open_nodes.add(id(node))
        total = own = 1
        # A scalar (most nodes: ~20,000 of 26,000 at 50k instances) is one node, aliased or
        # not, and holds nothing that could refer back: counted inline, not recursed into.
        # (An alias of a scalar then counts as written: it adds one value per `*name`
        # written, so it cannot multiply anything.)
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                if type(item) is scalar:
                    total += 1
                    own += 1
                else:
                    total += size(item)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                for part in (key, value):
                    if type(part) is scalar:
                        total += 1
                        own += 1
                    else:
                        total += size(part)
        open_nodes.discard(id(node))
        sizes[id(node)] = total
        written += own
        return total

    if type(root) is scalar:
        return 0
    return size(root) - written


def load_yaml_text(text: str, display: str) -> Any:
    """Parse one YAML document with the strict loader; bad YAML is a ConfigError."""
    if _FastStrictLoader is not None and not yaml.reader.Reader.NON_PRINTABLE.search(text):
        try:
            return _load_with(_FastStrictLoader, text, display)
        except yaml.YAMLError:
            pass  # parse it again below: the error is the pure-Python loader's
    return _load_with(_StrictLoader, text, display)


def _load_with(loader_class: type, text: str, display: str) -> Any:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is not None and _alias_growth(node) > MAX_ALIAS_VALUES:
            raise ConfigError(
                [
                    ConfigIssue(
                        display,
                        "",
                        f"expands by more than {MAX_ALIAS_VALUES} values through YAML aliases "
                        "(&anchor / *alias); write the values out or use fewer aliases",
                    )
                ]
            )
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def read_yaml_mapping(path: Path, display: str) -> dict[str, Any]:
    """Read a YAML file whose top level must be a mapping; `display` is the name used in errors."""
    text = read_text_file(path, display)
    _refuse_comment_secrets(text, display)
    try:
        data = load_yaml_text(text, display)
    except RecursionError:
        raise ConfigError([ConfigIssue(display, "", "YAML nested too deeply")]) from None
    except _DuplicateKey as dup:
        raise ConfigError(
            [ConfigIssue(display, "", f"line {dup.line}: duplicate key {shorten(dup.key)}")]
        ) from None
    except _RecursiveAlias as bad:
        raise ConfigError(
            [ConfigIssue(display, "", f"line {bad.line}: an alias refers to its own anchor")]
        ) from None
    except _UnhashableKey as bad:
        raise ConfigError(
            [ConfigIssue(display, "", f"line {bad.line}: a mapping key must be a plain value")]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc)
        if isinstance(exc, yaml.reader.ReaderError):  # a NUL or another control character
            code = exc.character if isinstance(exc.character, int) else ord(exc.character)
            where = f"character {exc.position}: "
            problem = f"control character #x{code:04x} is not allowed in YAML"
        problem = " ".join(str(problem).split())
        raise ConfigError(
            [ConfigIssue(display, "", f"YAML syntax error: {where}{problem}")]
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(
            [ConfigIssue(display, "", f"expected a mapping at the top level, got {_kind(data)}")]
        )
    return data


def _kind(value: Any) -> str:
    return {
        list: "a list",
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "a boolean",
    }.get(type(value), type(value).__name__)


# What follows a `#` on a line: a comment (or, inside a quoted value, part of the value,
# which the value's own check sees too). YAML drops comments, so the check of the parsed
# values (config/secrets.py) never sees a key pasted into one, yet the file is committed.
_COMMENT = re.compile(r"(?m)(?:^|[ \t])#(?P<text>.*)$")


def _refuse_comment_secrets(text: str, display: str) -> None:
    if "#" not in text or find_secret(text) is None:  # one pass over the file, most files
        return
    issues = []
    for match in _COMMENT.finditer(text):
        what = find_secret(match["text"])
        if what:
            line = text.count("\n", 0, match.start("text")) + 1
            issues.append(
                ConfigIssue(
                    display,
                    "",
                    f"line {line}: a comment holds what looks like {what} (not shown); "
                    "secrets never go in configuration, comments included (the file is "
                    "committed): remove it",
                )
            )
    if issues:
        raise ConfigError(issues)
