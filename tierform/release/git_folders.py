"""The Git folders release step: `python -m tierform.release git-folders --tier T`.

Terraform sets a `databricks_repo`'s branch on create and when the config changes it; it
never pulls. This step runs after the tier's Databricks resources when a deploy changes the
code the jobs run (their commit, or on a branch tier the content hash of the files they run;
its trigger: tierform/release/triggers.py `git_folders_triggers`) and asks the
Repos API to check the tier's folder out at its ref again (PATCH /api/2.0/repos/{id} with
the branch or tag: on the same branch that pulls its latest commit), then reads the commit
the folder now shows (GET, head_commit_id). When the jobs run a fixed commit (`follow:
deployed`, prod's TF_VAR_databricks_git_commit, `git.commit`) and the folder shows another
one, it warns: the folder is on a branch, and the branch has moved on (or the deploy is an
older commit).

Developers' folders (sandboxes) are theirs: they start on their branch and are not pulled.
Credentials as the databricks-runs check (tierform/ci/databricks_api.py); the repo id and the
commit come from the stack through the step's environment (names in databricks_naming).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from tierform.ci.databricks_api import DatabricksApi, DatabricksApiError, workspace_host
from tierform.config import databricks_naming as naming
from tierform.release.context import ReleaseContext, ReleaseError
from tierform.release.report import Reporter


class GitFoldersInputError(ReleaseError):
    """Bad input, not a failed refresh (exit 2)."""

    exit_code = 2


def git_folders_precheck(ctx: ReleaseContext) -> None:
    dbx = ctx.tier.databricks
    if dbx is None or dbx.git_folders is None:
        raise GitFoldersInputError(f"tier {ctx.tier.name!r} has no databricks.git_folders")


def jobs_commit(ctx: ReleaseContext, env: Mapping[str, str]) -> str | None:
    """The commit the tier's jobs run, if they run one: the stack's variable, else config."""
    if env.get(naming.JOBS_COMMIT_ENV):
        return env[naming.JOBS_COMMIT_ENV]
    kind, value = naming.git_ref(ctx.tier)
    return value if kind == "commit" else None


def refresh_git_folders(
    ctx: ReleaseContext, report: Reporter, env: Mapping[str, str] | None = None
) -> bool:
    env = os.environ if env is None else env
    tier = ctx.tier
    assert tier.databricks is not None
    repo_id = env.get(naming.GIT_FOLDER_ID_ENV)
    if not repo_id:
        raise GitFoldersInputError(
            f"{naming.GIT_FOLDER_ID_ENV} is not set: the step gets the Git folder's id from "
            f"the {tier.name} stack (run it through `terraform apply`)"
        )
    if not repo_id.isdigit():  # Repos ids are int64; the stack passes databricks_repo.id
        raise GitFoldersInputError(
            f"{naming.GIT_FOLDER_ID_ENV}={repo_id[:40]!r} is not a Git folder (repo) id"
        )
    path = naming.tier_git_folder_path(tier)
    kind, ref = naming.git_folder_ref(tier)
    api = DatabricksApi(workspace_host(tier.databricks.workspace.host, env), env)
    try:
        answer = api.update_repo(repo_id, kind, ref)
        head = answer.get("head_commit_id") or api.get_repo(repo_id).get("head_commit_id")
    except DatabricksApiError as exc:
        raise ReleaseError(f"Git folder {path}: {exc}") from None
    report.ok(f"{path} is on {kind} {ref} at {head or 'an unknown commit'}")
    commit = jobs_commit(ctx, env)
    if commit and head and not head.startswith(commit) and not commit.startswith(head):
        message = (
            f"{path} shows {head[:12]}, the jobs run {commit[:12]}: {kind} {ref} is not at "
            "the deployed commit (it has moved on, or this deploys an older one), so the "
            "folder shows other code than the jobs run"
        )
        report.detail(f"warning: {message}")
        if os.environ.get("GITHUB_ACTIONS") == "true":
            print(f"::warning title=Git folder {path}::{message}", flush=True)
    return True
