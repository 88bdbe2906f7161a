"""A tier as resolved from its file (and the files it extends): what the stack is built from."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from tierform.config.airflow import AirflowSpec
from tierform.config.backend import BackendSpec, LocalBackendSpec
from tierform.config.base import Slug, Spec
from tierform.config.databricks import DatabricksSpec
from tierform.config.error_format import shorten
from tierform.config.naming import NamingRule
from tierform.config.protection import RetireSpec
from tierform.config.release import TierReleaseSpec
from tierform.config.snowflake import SnowflakeSpec

TierKind = Literal["local", "dev", "staging", "prod"]


class DeveloperSpec(Spec):
    """A developer with a sandbox on the dev tier (stack `dev-<name>`)."""

    name: Slug
    # The developer's existing Snowflake user (SSO-managed, not created here); when set,
    # the sandbox role is granted to it.
    snowflake_user: str | None = None
    # The developer's Databricks user (email, SSO-managed). When set and the tier has a
    # databricks section, the sandbox stack creates a schema the developer owns.
    databricks_user: str | None = None
    # The branch the developer's Databricks Git folder starts on (databricks.git_folders).
    git_branch: str | None = Field(default=None, min_length=1)

    @field_validator("databricks_user")
    @classmethod
    def _email(cls, user: str | None) -> str | None:
        if user is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", user):
            raise ValueError(
                f"{shorten(user)} is not a Databricks user name (the user's email address)"
            )
        return user


class TierSpec(Spec):
    """Everything one tier's stack needs. `name` comes from the file name, not the file."""

    name: Slug
    kind: TierKind
    # prod is always protected; another tier may opt in. Protected tiers carry
    # prevent_destroy on their data stores, and policy is stricter there.
    protected: bool | None = None
    naming: NamingRule = Field(default_factory=NamingRule)
    backend: BackendSpec = Field(default_factory=LocalBackendSpec)
    snowflake: SnowflakeSpec | None = None
    databricks: DatabricksSpec | None = None
    # Absent on a local tier means the local flavor (a DAGs folder under .tierform/).
    airflow: AirflowSpec | None = None
    developers: list[DeveloperSpec] = Field(default_factory=list)
    # Which release steps this tier's stack runs after its infrastructure (dbt, DAGs).
    release: TierReleaseSpec = Field(default_factory=TierReleaseSpec)
    # Protected data stores this tier lets go on purpose, each with a reason
    # (tierform/config/protection.py). Never inherited.
    retire: list[RetireSpec] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _local_airflow_by_default(cls, data):
        if isinstance(data, dict) and data.get("kind") == "local" and data.get("airflow") is None:
            data = {**data, "airflow": {"flavor": "local"}}
        return data

    @model_validator(mode="after")
    def _bind_airflow_naming(self) -> TierSpec:
        # Cloud Airflow resources (bucket, environment, deployment) follow the tier's rule.
        if self.airflow is not None:
            self.airflow.bind_naming(self.naming)
        return self

    @model_validator(mode="after")
    def _prod_is_protected(self) -> TierSpec:
        if self.kind == "prod" and self.protected is False:
            raise ValueError(
                "protected: a prod tier is always protected; remove 'protected: false'"
            )
        return self

    @property
    def airflow_major(self) -> int | None:
        """The Airflow major version the tier's environment runs; None without Airflow or
        for the local flavor (the installed Airflow, the one the DAG checks parse with)."""
        return None if self.airflow is None else self.airflow.airflow_major

    @property
    def is_protected(self) -> bool:
        return self.kind == "prod" or bool(self.protected)

    def object_name(self, logical: str) -> str:
        """Physical name of an account-level object (database, warehouse, role, user)."""
        return self.naming.apply(logical, self.name)

    @property
    def sandbox_stacks(self) -> list[str]:
        return [f"{self.name}-{dev.name}" for dev in self.developers]
