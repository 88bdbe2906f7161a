"""A developer's Snowflake sandbox names, computed from config alone: the construct
(constructs/snowflake/sandbox.py) makes them, and validation refuses a tier object that
would be the same object (references.py), which two stacks would then both manage."""

from __future__ import annotations


def sandbox_object_name(developer: str) -> str:
    """The sandbox schema (or the logical database) of a developer: DEV_ALICE."""
    return f"DEV_{developer.upper()}"


def sandbox_role(developer: str) -> str:
    """The logical name of the developer's sandbox role (tier-named like any role)."""
    return f"SANDBOX_{developer.upper()}"
