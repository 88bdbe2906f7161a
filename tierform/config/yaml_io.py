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
    """SafeLoader that rejects duplicate mapping keys instead of keeping the last one. Its
    scalars are PyYAML's (YAML 1.1): dbt's own files, read as dbt reads them."""

    text_keys = False


class _ConfigLoader(_StrictLoader):
    """_StrictLoader for Tierform's own files: plain scalars typed as YAML 1.2 types them
    (_yaml12_scalars), every mapping key the text written."""

    text_keys = True


_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


def _yaml12_scalars(loader: type) -> None:
    """Plain scalars typed as YAML 1.2 types them, not as PyYAML's YAML 1.1 does.

    YAML 1.1 reads `yes`, `no`, `on`, `off`, `y` and `n` as booleans: a warehouse or schema
    named NO (Norway) became the key False, shown as `0`; a tier listed as `- on` became
    True. It reads `1:30` as 90 (base 60) and `010` as 8 (octal). Here only true/false are
    booleans, and numbers are decimal (or 0x / 0o). Every field that takes a boolean is
    strict (config/base.py), so `enabled: yes` is refused as "expected true or false"
    rather than read one way or another. Dates stay dates (policy-suppressions' expires)."""
    kept = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.yaml_implicit_resolvers = kept
    loader.add_implicit_resolver(
        _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    loader.add_implicit_resolver(
        _INT,
        re.compile(r"^(?:[-+]?[0-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+)$"),
        list("-+0123456789"),
    )
    # PyYAML's float pattern without its base-60 branch (`1:30.5`); a float needs a dot.
    loader.add_implicit_resolver(
        _FLOAT,
        re.compile(
            r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?"
            r"|\.[0-9_]+(?:[eE][-+][0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+0123456789."),
    )
    loader.add_constructor(_INT, _construct_int)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node).replace("_", "")
    if text[:2] in ("0x", "0o"):
        return int(text, 0)
    return int(text, 10)  # `010` is ten, as in YAML 1.2 (1.1 read it as octal 8)


# The same loader over libyaml's parser (when PyYAML was built with it): ~6x faster on a
# platform of thousands of schemas, where parsing was most of validation's time. It reads
# only text the pure-Python loader's reader accepts, and any document it refuses is parsed
# again by the pure-Python loader, so errors (and their wording) stay that loader's.
_FastStrictLoader: type | None = None
_FastConfigLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _FastStrictLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """CSafeLoader with _StrictLoader's mapping constructor."""

        text_keys = False

    class _FastConfigLoader(_FastStrictLoader):  # type: ignore[no-redef]
        """_FastStrictLoader with _ConfigLoader's scalar types and keys (libyaml parses;
        a scalar's type is resolved by PyYAML's Python resolver in both)."""

        text_keys = True


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    # Keys merged in with `<<: *anchor` may be overridden; a key written twice may not.
    own = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    written: set[Any] = set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if loader.text_keys and not isinstance(key, str) and _is_plain(key_node):
            # Every key in Tierform's files is a name or a field: `2024:` or `null:` is the
            # text written (which the name rules then judge), not a number or nothing.
            key = key_node.value
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


def _is_plain(node: yaml.Node) -> bool:
    """An unquoted scalar (a quoted one resolves to a string anyway)."""
    return isinstance(node, yaml.ScalarNode) and not node.style  # libyaml says "", PyYAML None


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int):
        self.key, self.line = key, line


class _RecursiveAlias(Exception):
    def __init__(self, line: int):
        self.line = line


class _UnhashableKey(Exception):
    def __init__(self, line: int):
        self.line = line


for _loader in (_StrictLoader, _FastStrictLoader):
    if _loader is not None:
        _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
for _loader in (_ConfigLoader, _FastConfigLoader):
    if _loader is not None:
        _yaml12_scalars(_loader)


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


def load_yaml_text(text: str, display: str, *, yaml_1_1: bool = False) -> Any:
    """Parse one YAML document with the strict loader; bad YAML is a ConfigError.
    `yaml_1_1`: type scalars as PyYAML does (for dbt's files, which dbt reads that way)."""
    fast, slow = (
        (_FastStrictLoader, _StrictLoader) if yaml_1_1 else (_FastConfigLoader, _ConfigLoader)
    )
    if fast is not None and not yaml.reader.Reader.NON_PRINTABLE.search(text):
        try:
            return _load_with(fast, text, display)
        except yaml.YAMLError:
            pass  # parse it again below: the error is the pure-Python loader's
    return _load_with(slow, text, display)


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


def read_yaml_mapping(path: Path, display: str, *, yaml_1_1: bool = False) -> dict[str, Any]:
    """Read a YAML file whose top level must be a mapping; `display` is the name used in
    errors. `yaml_1_1`: a file another tool reads with PyYAML's types (dbt's profiles.yml),
    so a target named `no` is what dbt makes of it."""
    text = read_text_file(path, display)
    _refuse_comment_secrets(text, display)
    try:
        data = load_yaml_text(text, display, yaml_1_1=yaml_1_1)
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
