"""Tierform's constructs in a cdktf app of your own: no config/ folder, no YAML.

One stack holds two Snowflake environments (the second with its own `address_prefix`, so
their Terraform addresses and provider aliases stay apart) and a release step that runs
after both. `python examples/library_app.py` synthesizes into cdktf.out.library/ (or
CDKTF_OUTDIR), not the project's cdktf.out/, whose tier stacks `make diff` and the policy
gate read; tests/unit/test_library_constructs.py synthesizes it in the test suite.

With CDK Terrain, import App and TerraformStack from `cdktn` instead of `cdktf`.
"""

from __future__ import annotations

import os

from cdktf import App, TerraformStack

from tierform.constructs import ReleaseStep, ReleaseStepProps, SnowflakeEnvironment
from tierform.constructs import SnowflakeEnvironmentProps as Props

CONNECTION = {"organization_name": "ACME", "account_name": "ANALYTICS"}


def warehouse_platform() -> Props:
    """Raw and curated data, one loader and one transformer: defaults for everything else."""
    return Props(
        tier="prod",
        kind="prod",  # protected: databases and schemas get prevent_destroy
        snowflake={
            "connection": CONNECTION,
            "databases": {"RAW": {"schemas": ["SHOP"]}, "ANALYTICS": {"schemas": ["MARTS"]}},
            "warehouses": {"TRANSFORMING": {"size": "SMALL"}},
            "resource_monitor": {"credit_quota": 100},
            "roles": {
                "LOADER": {"databases": {"RAW": "RW"}, "warehouses": ["TRANSFORMING"]},
                "TRANSFORMER": {
                    "databases": {"RAW": "RO", "ANALYTICS": "RW"},
                    "warehouses": ["TRANSFORMING"],
                },
            },
            "service_users": {"DBT": {"role": "TRANSFORMER", "warehouse": "TRANSFORMING"}},
        },
    )


def sandbox_platform() -> Props:
    """A second environment in the same stack: its own databases, its own addresses."""
    return Props(
        tier="lab",
        address_prefix="lab",
        snowflake={
            "connection": CONNECTION,
            "databases": {"SCRATCH": {"transient": True}},
            "warehouses": {"ADHOC": {}},
            "roles": {"ANALYST": {"databases": {"SCRATCH": "RW"}, "warehouses": ["ADHOC"]}},
        },
    )


class WarehouseStack(TerraformStack):
    def __init__(self, scope: App, id: str):
        super().__init__(scope, id)
        self.prod = SnowflakeEnvironment(self, "prod", warehouse_platform())
        self.lab = SnowflakeEnvironment(self, "lab", sandbox_platform())
        # Runs `python -m tierform.release dbt --tier prod` once per change of its triggers,
        # after the warehouse, databases, roles and users it needs exist.
        self.release = ReleaseStep(
            self,
            "release_dbt",
            ReleaseStepProps(step="dbt", tier="prod", triggers={"project": "sha256:0123"}),
            depends_on=self.prod.release_dependencies,
        )


def build_app(outdir: str | None = None) -> App:
    app = App(outdir=outdir or os.environ.get("CDKTF_OUTDIR", "cdktf.out.library"))
    WarehouseStack(app, "warehouse")
    return app


if __name__ == "__main__":
    build_app().synth()
