"""What protection guards on a protected tier, and how a data store is retired on purpose.

A protected tier's data stores carry `prevent_destroy`. Terraform puts `lifecycle` on a
resource *block*, not on an instance, and a `for_each` block that disappears takes its
`prevent_destroy` with it (checked with terraform 1.11: a kept block with an empty map
refuses "Instance cannot be destroyed"; a removed block plans the deletes). So:

- a protected tier keeps each data-store block even when its map is empty;
- a store leaves only when the tier names it in `retire:` with a reason; that lifts
  `prevent_destroy` from the store's block for that deploy (the plan must then show only
  the retired deletes);
- what was deployed protected is recorded (tierform/config/deployed.py), and a config that
  drops a recorded store or lowers the tier's protection without `retire` is refused at load.

Store names: `snowflake.databases.RAW`, `snowflake.schemas.RAW.SHOP`, `databricks.catalog`,
`databricks.schemas.GOLD`, `airflow.dag_bucket`, `airflow.environment`; `protection` retires
the tier's protection itself.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from tierform.config.base import Spec

if TYPE_CHECKING:
    from tierform.config.tier import TierSpec

PROTECTION = "protection"
BLOCKS = (
    "snowflake.databases",
    "snowflake.schemas",
    "databricks.catalog",
    "databricks.schemas",
    "airflow.dag_bucket",
    "airflow.environment",
)
_STORE = re.compile(
    r"^(?:snowflake\.databases\.[A-Z][A-Z0-9_]*|snowflake\.schemas\.[A-Z][A-Z0-9_]*\.[A-Z][A-Z0-9_]*"
    r"|databricks\.catalog|databricks\.schemas\.[A-Z][A-Z0-9_]*"
    r"|airflow\.dag_bucket|airflow\.environment|protection)$"
)


class RetireSpec(Spec):
    """`{resource: snowflake.databases.RAW, reason: "moved to the new account (ticket 42)"}`"""

    resource: str
    reason: str = Field(min_length=1, max_length=500)

    @field_validator("resource")
    @classmethod
    def _store_name(cls, value: str) -> str:
        if not _STORE.match(value):
            raise ValueError(
                f"{value[:80]!r} is not a data store name: use snowflake.databases.<DB>, "
                "snowflake.schemas.<DB>.<SCHEMA>, databricks.catalog, "
                "databricks.schemas.<SCHEMA>, airflow.dag_bucket, airflow.environment or protection"
            )
        return value

    @field_validator("reason")
    @classmethod
    def _has_words(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("say why the store is retired")
        return value


def block_of(store: str) -> str:
    """`snowflake.schemas.RAW.SHOP` → `snowflake.schemas`."""
    return ".".join(store.split(".")[:2])


def data_stores(tier: TierSpec) -> list[str]:
    """The tier's data stores as configured, whether or not the tier is protected."""
    stores: list[str] = []
    if tier.snowflake is not None:
        for db, spec in tier.snowflake.databases.items():
            stores.append(f"snowflake.databases.{db}")
            stores += [f"snowflake.schemas.{db}.{schema}" for schema in spec.schemas]
    if tier.databricks is not None:
        catalog = tier.databricks.catalog
        if catalog.layout == "per_tier":
            stores.append("databricks.catalog")
        stores += [f"databricks.schemas.{schema}" for schema in catalog.schemas]
    if tier.airflow is not None and tier.airflow.flavor in ("mwaa", "astronomer", "composer"):
        # A DAG bucket of our own: MWAA's, and Composer 3's (Composer 2 creates its own).
        if tier.airflow.flavor == "mwaa" or getattr(tier.airflow, "composer_major", 0) == 3:
            stores.append("airflow.dag_bucket")
        stores.append("airflow.environment")
    return stores


def retired(tier: TierSpec) -> set[str]:
    return {entry.resource for entry in tier.retire}


def guards(tier: TierSpec, block: str) -> bool:
    """Whether `block` (one of BLOCKS) carries prevent_destroy in this tier's stack."""
    if not tier.is_protected:
        return False
    return not any(block_of(store) == block for store in retired(tier) if store != PROTECTION)
