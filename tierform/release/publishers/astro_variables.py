"""The deployment's environment variables, set by the release step with the astro CLI.

Config names them (airflow.environment_variables: NAME: {value_from: CI_NAME, secret: bool}); the
values are read from the release step's environment (CI secrets and variables, exported by
`tierform inputs`) at release time. They never pass through config, Terraform (the
`astro_deployment` resource ignores `environment_variables`, so state holds none of them),
command lines (visible in the process list) or logs: they go to the CLI in a dotenv file
readable only by us, deleted right after (`--load --env FILE`, `--secret` for secrets).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from tierform.config.airflow_astronomer import DeploymentVariableSpec
from tierform.release.context import ReleaseError


def missing_values(
    variables: Mapping[str, DeploymentVariableSpec], environ: Mapping[str, str]
) -> list[str]:
    return sorted({v.source(k) for k, v in variables.items() if not environ.get(v.source(k))})


def dotenv(variables: Mapping[str, DeploymentVariableSpec], environ: Mapping[str, str]) -> str:
    lines = []
    for name in sorted(variables):
        value = environ[variables[name].source(name)]
        if "\n" in value or "\r" in value:
            raise ReleaseError(
                f"the value of {variables[name].source(name)} (for the deployment's {name}) "
                "spans several lines, which a dotenv file cannot carry; encode it (e.g. base64)"
            )
        lines.append(f"{name}={value}")
    return "\n".join(lines) + "\n"


def set_variables(
    astro: str,
    deployment_id: str,
    variables: Mapping[str, DeploymentVariableSpec],
    environ: Mapping[str, str],
    cwd: Path,
) -> list[str]:
    """Create or update every configured variable; returns the names set (never values)."""
    missing = missing_values(variables, environ)
    if missing:
        raise ReleaseError(
            f"environment variable(s) {', '.join(missing)} not set: the deployment's "
            "environment variables take their values from them (CI secrets or variables)"
        )
    for secret in (False, True):
        group = {k: v for k, v in variables.items() if v.secret is secret}
        if not group:
            continue
        fd, name = tempfile.mkstemp(prefix=".tierform-astro-", suffix=".env", dir=cwd)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:  # mkstemp: mode 0600
                handle.write(dotenv(group, environ))
            # `create` adds the new keys (and may refuse keys that exist), then `update`
            # gives every key its value: only update's outcome decides.
            for verb in ("create", "update"):
                args = [astro, "deployment", "variable", verb]
                args += ["--deployment-id", deployment_id, "--load", "--env", name]
                if secret:
                    args.append("--secret")
                result = subprocess.run(
                    args, cwd=cwd, capture_output=True, text=True, timeout=300, env=dict(environ)
                )
                if result.returncode != 0 and verb == "update":
                    # The CLI's own output may echo values: name the keys only.
                    raise ReleaseError(
                        f"astro deployment variable {verb} failed (exit {result.returncode}) "
                        f"for {', '.join(sorted(group))}; output withheld (it may hold values)"
                    )
        finally:
            Path(name).unlink(missing_ok=True)
    return sorted(variables)
