"""Astronomer: deploy a staged DAG release to an Astro deployment with the astro CLI.

Per tier, `airflow.deploy` says how (tierform/config/airflow_astronomer.py):
- `dags`: the DAG files only (`astro deploy <id> --dags`); our DAG gate already ran, so
  astro's own parse (it needs Docker) is skipped;
- `image`: an Astro project (astro_project.py: Dockerfile from the Runtime version, the
  requirements, the dbt project, the DAGs) that `astro deploy <id>` builds, parses with its
  own check and deploys; the gate ran on the DAGs before the build;
- `infer`: `dags` when only DAG files changed since the active release (the image inputs
  digest recorded for it in the ledger is unchanged), else `image`.
The deployment's environment variables are set first (astro_variables.py). The API token
comes from the environment (ASTRO_API_TOKEN); so does the deployment id when config does
not pin it (ASTRO_DEPLOYMENT_ID, handed over by the stack).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tierform.config.airflow import AstronomerAirflowSpec
from tierform.config.dag_target import DagTarget
from tierform.config.repository import work_root
from tierform.release.context import ReleaseContext, ReleaseError, load_context
from tierform.release.publishers.astro_project import ImageInputs, build_project, image_sha256
from tierform.release.publishers.astro_variables import set_variables

INSTALL_HINT = "https://www.astronomer.io/docs/astro/cli/install-cli"
MANIFEST = "RELEASE.json"
# Per release: how it was deployed and the digest of the image it runs with.
IMAGE_RECORDS = "astronomer/images"


class AstronomerPublisher:
    def __init__(self, target: DagTarget, root: Path | None = None):
        self.target = target
        self.root = (root or work_root()).absolute()
        self.last_mode: str | None = None

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
                "deployment's API token, id and environment variables come from the environment"
            )
        deployment = os.path.expandvars(self.target.location)
        release = json.loads((version_dir / MANIFEST).read_text(encoding="utf-8"))
        ctx = load_context(release["tier"], self.root)
        spec = ctx.tier.airflow
        if not isinstance(spec, AstronomerAirflowSpec):
            raise ReleaseError(f"tier {ctx.tier.name!r} is not an Astronomer tier")
        with tempfile.TemporaryDirectory(prefix="tierform-astro-") as tmp:
            project = Path(tmp) / "project"
            digest = build_project(image_inputs(ctx, spec), version_dir, project)
            previous = active_image_record(ctx)
            mode = spec.deploy
            if mode == "infer":
                unchanged = previous is not None and previous.get("image_sha256") == digest
                mode = "dags" if unchanged else "image"
            if spec.environment_variables:
                set_variables(astro, deployment, spec.environment_variables, os.environ, Path(tmp))
            if mode == "image":
                args = [astro, "deploy", deployment]
                env = dict(os.environ)
            else:
                _dags_only(project)
                args = [astro, "deploy", deployment, "--dags"]
                env = {**os.environ, "ASTRONOMER_SKIP_PARSE": "true"}
            result = subprocess.run(
                args, cwd=project, env=env, capture_output=True, text=True, timeout=3600
            )
        if result.returncode != 0:
            tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-10:])
            flag = " --dags" if mode == "dags" else ""
            raise ReleaseError(f"astro deploy{flag} failed (exit {result.returncode}):\n{tail}")
        running = digest if mode == "image" else (previous or {}).get("image_sha256")
        ctx.ledger.write_json(
            f"{IMAGE_RECORDS}/{release['release_id']}.json",
            {"release_id": release["release_id"], "mode": mode, "image_sha256": running},
        )
        self.last_mode = mode
        what = "image and DAGs" if mode == "image" else "DAGs only"
        return f"Astronomer deployment {deployment} ({what})"


def image_inputs(ctx: ReleaseContext, spec: AstronomerAirflowSpec) -> ImageInputs:
    step = ctx.platform.dbt_step(ctx.tier)
    project = ctx.path(step.project_dir) if step else None
    profiles = None
    if step and step.profiles_dir != step.project_dir:
        profiles = ctx.path(step.profiles_dir)
    dags = ctx.platform.platform.release.dags
    field, source = "airflow.requirements", spec.requirements
    if source is None and dags is not None and dags.requirements:
        field, source = "release.dags.requirements", dags.requirements
    requirements = ctx.path(source) if source else None
    if requirements is not None and not requirements.is_file():
        raise ReleaseError(f"{field}: {source} is not a file")
    return ImageInputs(
        tier=ctx.tier.name,
        runtime_version=spec.runtime_version,
        requirements=requirements,
        dbt_project=project,
        dbt_profiles=profiles,
    )


def active_image_record(ctx: ReleaseContext) -> dict | None:
    """The image record of the tier's active DAG release (None: unknown, so rebuild)."""
    from tierform.ledger import dag_records

    active = dag_records.read_state(ctx.ledger)["active"]
    if active is None:
        return None
    return ctx.ledger.read_json(f"{IMAGE_RECORDS}/{active}.json")


def _dags_only(project: Path) -> None:
    """`astro deploy --dags` packs dags/ of a project; mark parse as done (our gate ran)."""
    (project / ".astro" / "config.yaml").write_text(
        "project:\n  name: tierform\nskip_parse: true\n", encoding="utf-8"
    )


__all__ = ["AstronomerPublisher", "image_sha256"]
