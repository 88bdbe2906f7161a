"""Deeper Snowflake access models: schema-level access, role hierarchy, grants to people,
network policies. The field types live here; SnowflakeSpec and its parts use them, and
`check_snowflake_access` holds their cross-field checks (references and role cycles).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, Field, field_validator

from tierform.config.attribution import unknown_name
from tierform.config.base import Spec
from tierform.config.error_format import shorten

if TYPE_CHECKING:
    from tierform.config.snowflake import SnowflakeSpec

Problem = tuple[list[str | int], str]

# Schema-level access roles are read or read-write: creating objects (OWNER) stays a
# database-level decision, so one role builds a database and its schemas stay consistent.
SchemaAccessLevel = Literal["RO", "RW"]

# An existing Snowflake user as its login name is written: SSO users are often e-mail
# addresses (ALICE@NORTHWIND.COM). Upper case, as Snowflake stores unquoted names.
_USER = re.compile(r"[A-Z0-9_][A-Z0-9_.@+-]*")


def _check_user(value: str) -> str:
    if not _USER.fullmatch(value) or len(value) > 255:
        raise ValueError(
            f"{shorten(value)} is not a Snowflake user name: upper-case letters, digits and "
            "_ . @ + - (e.g. ALICE or ALICE@NORTHWIND.COM), at most 255 characters"
        )
    return value


UserName = Annotated[str, AfterValidator(_check_user)]


def _check_network(value: str) -> str:
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(
            f"{shorten(value)} is not an IP address or CIDR range (e.g. 203.0.113.0/24)"
        ) from None
    if network.version != 4:
        # Snowflake's IP lists take IPv4 only; IPv6 needs network rules.
        raise ValueError(f"{shorten(value)} is IPv6: Snowflake network policy IP lists are IPv4")
    return value


IpRange = Annotated[str, AfterValidator(_check_network)]


def _no_repeats(values: list[str]) -> list[str]:
    for value in values:
        if values.count(value) > 1:
            raise ValueError(f"{shorten(value)} is listed twice")
    return values


class NetworkPolicySpec(Spec):
    """Where sign-ins may come from (`snowflake_network_policy`, named by the tier's rule).

    Assign it to service users with `service_users.<USER>.network_policy`; a policy that
    allows every address (0.0.0.0/0) is refused by the gate (CKV_TF_SF_009).
    """

    allowed_ip_list: list[IpRange] = Field(min_length=1)
    blocked_ip_list: list[IpRange] = Field(default_factory=list)
    comment: str | None = None

    @field_validator("allowed_ip_list", "blocked_ip_list")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        return _no_repeats(values)


def schema_role_name(schema: str, level: str) -> str:
    """Name of a schema's access role inside its database: MARTS_RO."""
    return f"{schema}_{level}"


def _unknown(kind: str, name: str, known, declared_at: list[str]) -> str:
    # Knows where the name is declared, so a child's `null` that removed it is blamed at
    # that `null` (tierform/config/attribution.py), not here once per inheriting tier.
    return unknown_name(kind, name, known, declared_at=declared_at)


def role_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """The first cycle of role → inherited roles, as [A, B, …, A], or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for child in graph.get(node, []):
            if state.get(child) == 1:
                return [*path[path.index(child) :], child]
            if child in graph and state.get(child) is None:
                found = visit(child)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if state.get(node) is None:
            found = visit(node)
            if found:
                return found
    return None


def check_snowflake_access(sf: SnowflakeSpec) -> Iterator[Problem]:
    """References of the deeper models, and cycles in the role hierarchy."""
    base: list[str | int] = ["snowflake"]
    service_names = set(sf.service_users)
    for role_name, role in sf.roles.items():
        path = [*base, "roles", role_name]
        for db, schemas in role.schemas.items():
            database = sf.databases.get(db)
            if database is None:
                yield (
                    [*path, "schemas", db],
                    _unknown("database", db, sf.databases, ["snowflake", "databases"]),
                )
                continue
            for schema in schemas:
                if schema not in database.schemas:
                    yield (
                        [*path, "schemas", db, schema],
                        _unknown(
                            f"schema of database {db}",
                            schema,
                            database.schemas,
                            ["snowflake", "databases", db, "schemas"],
                        ),
                    )
        for i, parent in enumerate(role.inherit_roles):
            if parent == role_name:
                yield [*path, "inherit_roles", i], "a role cannot inherit itself"
            elif parent not in sf.roles:
                yield (
                    [*path, "inherit_roles", i],
                    _unknown("role", parent, sf.roles, ["snowflake", "roles"]),
                )
        for i, user in enumerate(role.users):
            if user in service_names:
                yield (
                    [*path, "users", i],
                    f"{user!r} is a service user of this tier: its role comes from "
                    f"service_users.{user}.role",
                )
    graph = {
        name: [r for r in role.inherit_roles if r in sf.roles and r != name]
        for name, role in sf.roles.items()
    }
    cycle = role_cycle(graph)
    if cycle:
        yield (
            [*base, "roles", cycle[0], "inherit_roles"],
            f"role hierarchy cycle: {' → '.join(cycle)} (a role cannot inherit itself)",
        )
    for user_name, user in sf.service_users.items():
        if user.network_policy is not None and user.network_policy not in sf.network_policies:
            yield (
                [*base, "service_users", user_name, "network_policy"],
                _unknown(
                    "network policy",
                    user.network_policy,
                    sf.network_policies,
                    ["snowflake", "network_policies"],
                ),
            )
    for name, policy in sf.network_policies.items():
        for i, blocked in enumerate(policy.blocked_ip_list):
            if blocked in policy.allowed_ip_list:
                yield (
                    [*base, "network_policies", name, "blocked_ip_list", i],
                    f"{blocked!r} is also in allowed_ip_list",
                )
