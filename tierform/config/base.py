"""Shared base for every configuration model: strict types, no unknown keys, immutable."""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from tierform.config.error_format import shorten


class Spec(BaseModel):
    """Strict (no "60" for 60), frozen, and unknown keys are named with a suggestion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            fields = cls.__pydantic_fields__  # the class's own dict (model_fields is a property)
            if data.keys() <= fields.keys():  # every key known: one C comparison, ~40,000 at 50k
                return data
            allowed = list(fields)
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


# Snowflake's unquoted identifiers: a letter or _, then letters, digits, _ or $, at most
# 255 characters. Ours are the upper-case subset without $ (valid in Databricks too).
# fullmatch, not `$`: in Python `$` also matches before a trailing newline ("RAW\n").
_IDENTIFIER = re.compile(r"[A-Z][A-Z0-9_]*")
MAX_IDENTIFIER_LENGTH = 255


def _check_identifier(value: str) -> str:
    if not _IDENTIFIER.fullmatch(value):
        raise ValueError(
            f"{shorten(value)} is not a valid object name: use upper-case letters, digits "
            "and _, starting with a letter (e.g. ANALYTICS)"
        )
    if len(value) > MAX_IDENTIFIER_LENGTH:
        raise ValueError(
            f"{shorten(value)} is {len(value)} characters long; Snowflake names have at most "
            f"{MAX_IDENTIFIER_LENGTH}"
        )
    return value


# Snowflake/Databricks object names as users write them. Unquoted Snowflake identifiers are
# upper-case anyway; requiring that here avoids two spellings of one object.
Identifier = Annotated[str, AfterValidator(_check_identifier)]

_SLUG = re.compile(r"[a-z][a-z0-9_]{0,62}")


def _check_slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise ValueError(
            f"{shorten(value)} is not a valid name: use lower-case letters, digits and _, "
            "starting with a letter, at most 63 characters (e.g. alice)"
        )
    return value


# Tier and developer names: they become stack names, file names and parts of object names.
Slug = Annotated[str, AfterValidator(_check_slug)]

# Stack names the cdktf CLI takes as its own word: `cdktf diff help` and `cdktf deploy help`
# print the usage and exit 0 (yargs' help command), so a tier of that name would be
# "planned" and "deployed" with no Terraform run, and CD would record the deployment.
# Checked on cdktf-cli 0.21: the other command words (deploy, synth, completion, …) reach
# the command as a stack name. Sandbox stacks (`tier-developer`) hold a `-`, never a word.
CDKTF_RESERVED_STACK_NAMES = frozenset({"help"})


def check_stack_name(value: str) -> str:
    if value in CDKTF_RESERVED_STACK_NAMES:
        raise ValueError(
            f"{shorten(value)} cannot name a tier or stack: the cdktf CLI reads `cdktf diff {value}` "
            "as its own help command (it prints the usage, plans nothing and exits 0); "
            "choose another name"
        )
    return value


# Tier names: slugs that are also safe stack names on the cdktf command line.
TierName = Annotated[str, AfterValidator(_check_slug), AfterValidator(check_stack_name)]


def names_list_to_map(value: Any) -> Any:
    """Allow `[A, B]` as shorthand for `{A: {}, B: {}}`; a name listed twice is an error."""
    if isinstance(value, list):
        result: dict[Any, Any] = {}
        for item in value:
            if not isinstance(item, str):
                return value  # the dict's own validation says what is wrong with it
            if item in result:
                raise PydanticCustomError(
                    "duplicate", "{name} is listed twice", {"name": shorten(item)}
                )
            result[item] = {}
        return result
    return value
