"""The pull request's head commit: what data CI reports statuses on and what remote runners
(dbt Cloud's CI job, Databricks one-time runs) check out. The workflow sets it, because
actions/checkout checks out a merge commit that those services cannot fetch; outside a
workflow it is the checkout's HEAD."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from tierform.release.records import git_sha

HEAD_SHA_ENV = "TIERFORM_STATUS_SHA"


def pr_head_commit(root: Path, env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    return env.get(HEAD_SHA_ENV) or git_sha(root)
