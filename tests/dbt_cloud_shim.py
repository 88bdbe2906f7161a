"""Runs `python -m tierform.release …` (or `tierform …`) with every tier's dbt step on the
dbt Cloud runner, settings from $TIERFORM_TEST_DBT_CLOUD (JSON of DbtCloudStep's fields).

Only until the config side lands (`release.dbt.runner: dbt_cloud`, tierform/config/dbt_cloud.py):
then the tests can write that into the tier file instead, and this shim goes.

    python tests/dbt_cloud_shim.py release dbt --tier local
    python tests/dbt_cloud_shim.py tierform ci run --tier local --pr 7
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys

from tierform.config.dbt_cloud_step import DbtCloudStep
from tierform.config.platform import PlatformConfig

SETTINGS_ENV = "TIERFORM_TEST_DBT_CLOUD"


def patch() -> None:
    cloud = DbtCloudStep(**json.loads(os.environ[SETTINGS_ENV]))
    resolve = PlatformConfig.dbt_step

    def dbt_step(self, tier):
        step = resolve(self, tier)
        return None if step is None else dataclasses.replace(step, runner="dbt_cloud", cloud=cloud)

    PlatformConfig.dbt_step = dbt_step


if __name__ == "__main__":
    patch()
    which, sys.argv = sys.argv[1], [sys.argv[1], *sys.argv[2:]]
    if which == "release":
        from tierform.release.cli import main
    else:
        from tierform.cli import main
    main()
