"""for_each maps that bypass jsii: handed to cdktf as a one-key placeholder, spliced into
the synthesized JSON afterwards (tierform/stacks/map_splice.py).

Why: cdktf ships every for_each map to node through jsii (`TerraformIterator.from_map`) and
node resolves and writes it again at synth. At ~50,000 instances that is ~60% of the synth
above the import floor (README "Benchmarks"), for data node never needs: the map is a
literal, and `each.key` / `each.value` references do not depend on it.

Only active while Tierform's own app builds its stacks (`collecting`, used by
tierform/stacks/app.py, which also splices): a library user's App, `Testing.synth` and
anything else built outside it get the real maps through cdktf as before, because nothing
would splice them in. `TIERFORM_MAP_BYPASS=0` turns it off, and with it the iterators' jsii-free
`get_string` (constructs/foreach.py): the equivalence test compares the JSON.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import orjson

BYPASS_VARIABLE = "TIERFORM_MAP_BYPASS"
# How cdktf (and cdktn) encode a token in a string ("${TfToken[", "#{TfToken[", "&{TfToken[")
# and in a number (a double whose top 16 bits are 0xfdff/0xfbff: about -4e298 / -1e289).
# A map holding one must go through cdktf, which resolves it; a bypassed map is written
# exactly as given. Erring on the safe side: any exponent of 280 or more counts as a token.
_STRING_TOKEN = "{TfToken["
_NUMBER_TOKEN = re.compile(r"e\+(?:2[89]\d|[3-9]\d\d)")
# The standard library's encoder, for the maps orjson cannot be trusted with (`_entries`).
_ENCODE = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
# orjson writes dates and dataclasses itself; the standard library refuses them (such a map
# goes through cdktf), so they are handed to orjson's `default`, which is none: TypeError.
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class MapBypass:
    """The maps of one app's synth, by placeholder id, each already written as JSON text:
    one `"key": value` line per instance (tierform/stacks/map_splice.py indents them).

    The placeholder cdktf sees is `{<marker>: "<id>"}`: a one-key map (so cdktf's types and
    its JSON are unchanged in shape) whose key is a random per-synth marker, which config text
    cannot produce by accident and which no real for_each map carries.

    `maps` keeps each map itself (the object its entries were encoded from), so the splice
    can hand the written JSON back without parsing it again; `template_free` names the maps
    whose written text holds no `${` or `%{`: in JSON text those two can only appear inside a
    string (the encoder never escapes `$`, `%` or `{`), so no key or value of such a map
    holds a template, and the template check (stacks/template_check.py) need not walk it.
    """

    def __init__(self) -> None:
        self.marker = f"tierform-map-bypass-{secrets.token_hex(8)}"
        self.entries: dict[str, str] = {}
        self.maps: dict[str, dict[str, Any]] = {}
        self.template_free: set[str] = set()

    def placeholder(self, literal: dict[str, Any]) -> dict[str, str] | None:
        """The placeholder for `literal`, or None when it must go through cdktf (it holds a
        token or an object that is not plain JSON)."""
        if not all(isinstance(key, str) for key in literal):
            return None
        try:
            text = _entries(literal)
        except (TypeError, ValueError):  # a jsii object, NaN
            return None
        if _STRING_TOKEN in text or _NUMBER_TOKEN.search(text) or self.marker in text:
            return None
        ref = str(len(self.entries))
        self.entries[ref] = text
        self.maps[ref] = literal
        # One-character searches first (memchr): most maps hold no `$` or `%` at all, and
        # a two-character search over 2.7 MB of text costs ~5x more.
        if not ("$" in text and "${" in text) and not ("%" in text and "%{" in text):
            self.template_free.add(ref)
        return {self.marker: ref}

    def template_free_ids(self) -> frozenset[int]:
        """`id()` of each map in `template_free` (alive in `maps` as long as this object)."""
        return frozenset(id(self.maps[ref]) for ref in self.template_free)


def _entries(literal: dict[str, Any]) -> str:
    """`"key": value` per entry, one line each (JSON escapes every newline inside a string).

    Written by orjson: ~5x faster than the standard library's encoder over the ~7 MB the maps
    of a 50,000-instance platform take, where encoding was the largest part of the synth above
    its imports that grows with the platform. The standard library still decides the maps
    orjson refuses (a key that is not a string, an integer past 64 bits, a lone surrogate, a
    date: TypeError) and those it might get wrong: orjson writes NaN and infinities as
    `null` without a word, so a map whose text holds `null` anywhere is written again by the
    standard library, which refuses them (ValueError). A map takes the bypass exactly when
    it did with the standard library alone, and its JSON means the same."""
    dumps = orjson.dumps
    option = _ORJSON_OPTIONS
    try:
        text: bytes | None = b"\n".join(
            [dumps(key) + b": " + dumps(value, option=option) for key, value in literal.items()]
        )
    except TypeError:
        text = None
    if text is None or b"null" in text:
        return "\n".join(f"{_ENCODE(key)}: {_ENCODE(value)}" for key, value in literal.items())
    return text.decode()


_ACTIVE: ContextVar[MapBypass | None] = ContextVar("tierform_map_bypass", default=None)


def enabled() -> bool:
    """The bypass is on unless TIERFORM_MAP_BYPASS is 0/false/no/off."""
    return os.environ.get(BYPASS_VARIABLE, "").strip().lower() not in ("0", "false", "no", "off")


@contextmanager
def collecting(bypass: MapBypass | None) -> Iterator[MapBypass | None]:
    """While open, `iterator()` (constructs/foreach.py) hands its maps to `bypass` (None: no
    bypass). The caller must splice the synthesized output with the same `bypass`."""
    token = _ACTIVE.set(bypass)
    try:
        yield bypass
    finally:
        _ACTIVE.reset(token)


def active() -> MapBypass | None:
    return _ACTIVE.get()
