"""What an Astronomer tier adds to its DAG step's `triggers_replace`: a change to anything
the deploy ships besides the DAG files re-runs the step (hashes and names only, never a
value: triggers land in state)."""

from __future__ import annotations

import hashlib

from tierform.config.airflow import AstronomerAirflowSpec
from tierform.config.platform import PlatformConfig
from tierform.config.tier import TierSpec
from tierform.release.content import content_sha256


def astronomer_triggers(platform: PlatformConfig, tier: TierSpec) -> dict[str, str]:
    spec = tier.airflow
    if not isinstance(spec, AstronomerAirflowSpec):
        return {}
    root = platform.repo_root
    parts = [f"deploy={spec.deploy}", f"runtime={spec.runtime_version}"]
    # Which variables exist and which are secret (their values come from CI at release time).
    parts += [
        f"var={k}:{v.source(k)}:{v.secret}" for k, v in sorted(spec.environment_variables.items())
    ]
    if spec.deploy != "dags":
        if spec.requirements:
            parts.append(f"requirements={_sha256((root / spec.requirements).read_bytes())}")
        step = platform.dbt_step(tier)
        if step is not None:
            parts.append(f"dbt={content_sha256(root / step.project_dir)}")
            if step.profiles_dir != step.project_dir:
                profiles = (root / step.profiles_dir / "profiles.yml").read_bytes()
                parts.append(f"profiles={_sha256(profiles)}")
    return {"astronomer_sha256": _sha256("\n".join(parts).encode())}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
