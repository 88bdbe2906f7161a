"""Shared base for every configuration model: strict types, no unknown keys, immutable."""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError


class Spec(BaseModel):
    """Strict (no "60" for 60), frozen, and unknown keys are named with a suggestion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            allowed = list(cls.model_fields)
            for key in data:
                if key not in allowed:
                    close = difflib.get_close_matches(str(key), allowed, n=1)
                    hint = f"did you mean {close[0]!r}? " if close else ""
                    raise PydanticCustomError(
                        "unknown_key",
                        "unknown key; {hint}expected one of: {allowed}",
                        {"key": str(key), "hint": hint, "allowed": ", ".join(allowed)},
                    )
        return data


_IDENTIFIER = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _check_identifier(value: str) -> str:
    if not _IDENTIFIER.match(value):
        raise ValueError(
            f"{value!r} is not a valid object name: use upper-case letters, digits and _, "
            "starting with a letter (e.g. ANALYTICS)"
        )
    return value


# Snowflake/Databricks object names as users write them. Unquoted Snowflake identifiers are
# upper-case anyway; requiring that here avoids two spellings of one object.
Identifier = Annotated[str, AfterValidator(_check_identifier)]

_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            f"{value!r} is not a valid name: use lower-case letters, digits and _, "
            "starting with a letter (e.g. alice)"
        )
    return value


# Tier and developer names: they become stack names, file names and parts of object names.
Slug = Annotated[str, AfterValidator(_check_slug)]


def names_list_to_map(value: Any) -> Any:
    """Allow `[A, B]` as shorthand for `{A: {}, B: {}}`; a name listed twice is an error."""
    if isinstance(value, list):
        result: dict[Any, Any] = {}
        for item in value:
            if item in result:
                raise PydanticCustomError("duplicate", "{name!r} is listed twice", {"name": item})
            result[item] = {}
        return result
    return value
