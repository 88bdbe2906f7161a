"""Tierform's constructs, for your own cdktf app (README: "Use the constructs in your own
cdktf app"). Every import of cdktf or a provider package goes through
`tierform.constructs.framework` and the `bindings` module of each provider.

Names load lazily: `from tierform.constructs import ReleaseStep` imports no provider package,
`SnowflakeEnvironment` imports the Snowflake one only when asked for, and of it only the
submodules Tierform uses (provider_packages.py).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tierform.config.dag_target import AirflowInstallFiles
    from tierform.constructs.addresses import AddressConflict
    from tierform.constructs.airflow import AirflowEnvironment
    from tierform.constructs.databricks import DatabricksEnvironment, DatabricksSandbox
    from tierform.constructs.name_claims import NameConflict
    from tierform.constructs.props import (
        AirflowEnvironmentProps,
        DatabricksEnvironmentProps,
        EnvironmentProps,
        ReleaseStepProps,
        SnowflakeEnvironmentProps,
    )
    from tierform.constructs.release import ReleaseStep
    from tierform.constructs.snowflake import SnowflakeEnvironment, SnowflakeSandbox

_WHERE = {
    "AddressConflict": "tierform.constructs.addresses",
    "AirflowEnvironment": "tierform.constructs.airflow",
    "AirflowInstallFiles": "tierform.config.dag_target",
    "AirflowEnvironmentProps": "tierform.constructs.props",
    "DatabricksEnvironment": "tierform.constructs.databricks",
    "DatabricksEnvironmentProps": "tierform.constructs.props",
    "DatabricksSandbox": "tierform.constructs.databricks",
    "EnvironmentProps": "tierform.constructs.props",
    "NameConflict": "tierform.constructs.name_claims",
    "ReleaseStep": "tierform.constructs.release",
    "ReleaseStepProps": "tierform.constructs.props",
    "SnowflakeEnvironment": "tierform.constructs.snowflake",
    "SnowflakeEnvironmentProps": "tierform.constructs.props",
    "SnowflakeSandbox": "tierform.constructs.snowflake",
}

__all__ = [
    "AddressConflict",
    "AirflowEnvironment",
    "AirflowEnvironmentProps",
    "AirflowInstallFiles",
    "DatabricksEnvironment",
    "DatabricksEnvironmentProps",
    "DatabricksSandbox",
    "EnvironmentProps",
    "NameConflict",
    "ReleaseStep",
    "ReleaseStepProps",
    "SnowflakeEnvironment",
    "SnowflakeEnvironmentProps",
    "SnowflakeSandbox",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'tierform.constructs' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
