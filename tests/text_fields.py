"""Every text field of a loaded configuration, as edits to its YAML files.

Walks the pydantic models of each tier (and the platform file): every field that holds a
string or admits one (an unset `comment: str | None` too), every string in a list and every
key of a mapping. Each becomes a `TextField`: the file to edit and how to put a value there.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from tierform.config import PlatformConfig


@dataclass(frozen=True)
class TextField:
    file: str  # relative to the config folder
    path: tuple  # keys from the file's root
    kind: str  # "value": set path to the text; "item": list at path, item `index`; "key": add a key
    index: int = 0
    # the list (item) or an existing value of the mapping (key); not part of identity
    current: Any = dataclasses.field(default=None, compare=False, hash=False)

    def __str__(self) -> str:
        return f"{self.file}:{'.'.join(map(str, self.path))}[{self.kind}]"

    def apply(self, data: dict, text: str) -> None:
        node = data
        for key in self.path[:-1]:
            child = node.get(key)
            if child is None:
                child = node[key] = {}
            if not isinstance(child, dict):
                return  # written in a shorthand (a list of names): nothing to set there
            node = child
        last = self.path[-1]
        if self.kind == "value":
            node[last] = text
        elif self.kind == "item":
            items = list(self.current)
            items[self.index] = text
            node[last] = items
        else:
            target = node.setdefault(last, {})
            if isinstance(target, dict):
                target[text] = self.current


def _admits_str(annotation: Any) -> bool:
    if annotation is str:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _admits_str(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_admits_str(a) for a in typing.get_args(annotation))
    return False


def _walk(model: BaseModel, file: str, prefix: tuple) -> list[TextField]:
    found: list[TextField] = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        path = (*prefix, name)
        if isinstance(value, BaseModel):
            found += _walk(value, file, path)
        elif isinstance(value, str) or (value is None and _admits_str(info.annotation)):
            found.append(TextField(file, path, "value"))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, str):
                    found.append(TextField(file, path, "item", index, tuple(value)))
                elif isinstance(item, BaseModel):
                    pass  # lists of models (developers) are covered by their own fields
        elif isinstance(value, dict) and value:
            first_key, first = next(iter(value.items()))
            if isinstance(first_key, str):
                sample = first.model_dump() if isinstance(first, BaseModel) else first
                found.append(TextField(file, path, "key", current=sample))
            for key, item in value.items():
                if isinstance(item, BaseModel):
                    found += _walk(item, file, (*path, key))
                elif isinstance(item, str):
                    found.append(TextField(file, (*path, key), "value"))
    return found


def text_fields(config: PlatformConfig) -> list[TextField]:
    fields = _walk(config.platform, "platform.yaml", ())
    for name, tier in config.tiers.items():
        file = f"tiers/{name}.yaml"
        for field in _walk(tier, file, ()):
            if field.path[0] not in ("name", "kind"):  # the file name; a closed set
                fields.append(field)
        for index, developer in enumerate(tier.developers):
            for field in _walk(developer, file, ()):
                fields.append(TextField(file, ("developers", index, *field.path), "developer"))
    return list(dict.fromkeys(fields))


def apply_edits(config_dir: Path, edits: list[tuple[TextField, str]]) -> None:
    """Write each edit into its file of the config copy at `config_dir`."""
    by_file: dict[str, list[tuple[TextField, str]]] = {}
    for field, text in edits:
        by_file.setdefault(field.file, []).append((field, text))
    for file, items in by_file.items():
        path = config_dir / file
        data = yaml.safe_load(path.read_text()) or {}
        for field, text in items:
            if field.kind == "developer":
                if "developers" in data:
                    data["developers"][field.path[1]][field.path[2]] = text
            else:
                field.apply(data, text)
        path.write_text(yaml.safe_dump(data, sort_keys=False))
