"""Astronomer: a DAG-only deploy (`astro deploy <deployment> --dags`) with the astro CLI.

The CLI packs the `dags/` folder of an Astro project; we build that project in a temporary
folder from the staged release. The API token comes from the environment (ASTRO_API_TOKEN).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tierform.config.airflow import DagTarget
from tierform.release.context import ReleaseError

INSTALL_HINT = "https://www.astronomer.io/docs/astro/cli/install-cli"


class AstronomerPublisher:
    def __init__(self, target: DagTarget):
        self.target = target

    def publish(self, version_dir: Path) -> str:
        astro = shutil.which("astro")
        if astro is None:
            raise ReleaseError(
                "the astro CLI is not on PATH: install it "
                f"({INSTALL_HINT}) on the machine that runs the deploy"
            )
        missing = [name for name in self.target.credential_env if not os.environ.get(name)]
        if missing:
            raise ReleaseError(
                f"environment variable(s) {', '.join(missing)} not set: the Astronomer "
                "deployment's API token comes from the environment"
            )
        with tempfile.TemporaryDirectory(prefix="tierform-astro-") as tmp:
            project = Path(tmp)
            shutil.copytree(version_dir, project / "dags")
            (project / ".astro").mkdir()
            # Our own DagBag check already ran; astro's parse step would need Docker.
            (project / ".astro" / "config.yaml").write_text(
                "project:\n  name: tierform\nskip_parse: true\n"
            )
            result = subprocess.run(
                [astro, "deploy", self.target.location, "--dags"],
                cwd=project,
                env={**os.environ, "ASTRONOMER_SKIP_PARSE": "true"},
                capture_output=True,
                text=True,
                timeout=1800,
            )
        if result.returncode != 0:
            tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-10:])
            raise ReleaseError(f"astro deploy --dags failed (exit {result.returncode}):\n{tail}")
        return f"Astronomer deployment {self.target.location}"
