"""Snowflake part of a tier: connection, databases, warehouses, RBAC, service users."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator

from tierform.config.base import Identifier, Spec, names_list_to_map
from tierform.config.error_format import shorten
from tierform.config.secrets import find_secret, is_public_key
from tierform.config.snowflake_access import NetworkPolicySpec, SchemaAccessLevel, UserName
from tierform.config.snowflake_roles import ProviderRolesSpec

WarehouseSize = Literal[
    "XSMALL",
    "SMALL",
    "MEDIUM",
    "LARGE",
    "XLARGE",
    "XXLARGE",
    "XXXLARGE",
    "X4LARGE",
    "X5LARGE",
    "X6LARGE",
]
AccessLevel = Literal["RO", "RW", "OWNER"]


class SnowflakeConnection(Spec):
    """Which account a tier lives in. Credentials come only from SNOWFLAKE_* variables."""

    organization_name: str = Field(min_length=1)
    account_name: str = Field(min_length=1)


class SchemaSpec(Spec):
    comment: str | None = None
    managed_access: bool = False
    transient: bool = False


class DatabaseSpec(Spec):
    comment: str | None = None
    # Time Travel; prod policy requires ≥ 1 day.
    data_retention_time_in_days: int = Field(default=1, ge=0, le=90)
    transient: bool = False
    schemas: Annotated[dict[Identifier, SchemaSpec], BeforeValidator(names_list_to_map)] = Field(
        default_factory=dict
    )


class WarehouseSpec(Spec):
    size: WarehouseSize = "XSMALL"
    auto_suspend: int = Field(default=60, ge=0, description="seconds; 0 means never (avoid)")
    auto_resume: bool = True
    initially_suspended: bool = True
    min_cluster_count: int = Field(default=1, ge=1, le=10)
    max_cluster_count: int = Field(default=1, ge=1, le=10)
    comment: str | None = None


class ResourceMonitorSpec(Spec):
    """One monitor per tier, attached to every warehouse of the tier."""

    # Logical name; the tier's naming rule makes the physical one (MONITOR → MONITOR_PROD).
    name: Identifier = "MONITOR"
    credit_quota: int = Field(ge=1)
    frequency: Literal["MONTHLY", "DAILY", "WEEKLY", "YEARLY", "NEVER"] = "MONTHLY"
    notify_at: list[Annotated[int, Field(ge=1, le=1000)]] = Field(default_factory=lambda: [75, 90])
    suspend_at: int | None = Field(default=100, ge=1, le=1000)
    suspend_immediately_at: int | None = Field(default=110, ge=1, le=1000)
    notify_users: list[str] = Field(default_factory=list)


class FunctionalRoleSpec(Spec):
    """A role people and services use (LOADER, TRANSFORMER, REPORTER).

    It gets access roles (RO/RW/OWNER per database) and USAGE on warehouses; it never
    holds privileges directly, so access is changed in one place per database.
    """

    comment: str | None = None
    databases: dict[Identifier, AccessLevel] = Field(default_factory=dict)
    # Schema-level access roles: database → schema → RO | RW (snowflake_access.py).
    schemas: dict[Identifier, dict[Identifier, SchemaAccessLevel]] = Field(default_factory=dict)
    warehouses: list[Identifier] = Field(default_factory=list)
    # Functional roles granted to this one (it inherits their access): a role hierarchy.
    inherit_roles: list[Identifier] = Field(default_factory=list)
    # Existing Snowflake users (people, SSO-managed) granted this role; never created here.
    users: list[UserName] = Field(default_factory=list)

    @field_validator("warehouses", "inherit_roles", "users")
    @classmethod
    def _unique(cls, names: list[str]) -> list[str]:
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"{shorten(name)} is listed twice")
        return names


class ServiceUserSpec(Spec):
    """A TYPE=SERVICE user with key-pair auth only (dbt, Airflow)."""

    role: Identifier
    warehouse: Identifier
    comment: str | None = None
    # The RSA *public* key. Left out, it comes from the Terraform variable
    # `snowflake_<user>_rsa_public_key` (TF_VAR_… in CI).
    rsa_public_key: str | None = None
    # A network policy of this tier (snowflake.network_policies) limiting where it signs in.
    network_policy: Identifier | None = None

    @field_validator("rsa_public_key")
    @classmethod
    def _public_only(cls, key: str | None) -> str | None:
        if key is None:
            return key
        if find_secret(key) or "PRIVATE" in key.upper():
            raise ValueError(
                "this looks like a private key (not shown); put only the RSA public key here"
            )
        if not is_public_key(key):
            raise ValueError(
                "not an RSA public key: expected the base64 body of a PEM `PUBLIC KEY` "
                "(SubjectPublicKeyInfo), with or without its BEGIN/END lines"
            )
        return key


class SandboxSpec(Spec):
    """Per-developer sandboxes on the dev tier, one `dev-<name>` stack each."""

    kind: Literal["schema", "database"] = "schema"
    # For kind=schema: the (logical) database that holds the developers' schemas.
    database: Identifier | None = None
    # Functional roles every sandbox role inherits (e.g. TRANSFORMER to read RAW).
    inherit_roles: list[Identifier] = Field(default_factory=list)
    warehouse: Identifier | None = None


class SnowflakeSpec(Spec):
    connection: SnowflakeConnection
    databases: dict[Identifier, DatabaseSpec] = Field(default_factory=dict)
    warehouses: dict[Identifier, WarehouseSpec] = Field(default_factory=dict)
    resource_monitor: ResourceMonitorSpec | None = None
    roles: dict[Identifier, FunctionalRoleSpec] = Field(default_factory=dict)
    service_users: dict[Identifier, ServiceUserSpec] = Field(default_factory=dict)
    network_policies: dict[Identifier, NetworkPolicySpec] = Field(default_factory=dict)
    sandboxes: SandboxSpec | None = None
    # The role each provider alias acts as (tierform/config/snowflake_roles.py).
    provider_roles: ProviderRolesSpec = Field(default_factory=ProviderRolesSpec)
