"""Workspace Git folders (Databricks Repos, `databricks_repo`) of the repository the jobs
run from: the tier's own folder pinned to the tier's ref, and a developer's folder on the
developer's branch (config: `databricks.git_folders`, tierform/config/databricks.py).
"""

from __future__ import annotations

from tierform.config.databricks import GitSpec
from tierform.constructs.databricks.bindings import Repo, RepoSparseCheckout
from tierform.constructs.foreach import stable_address
from tierform.constructs.framework import (
    Construct,
    TerraformProvider,
    TerraformResourceLifecycle,
)


class GitFolder(Construct):
    """`databricks_repo.<address>` at `path`, checked out at `ref`: ("branch" | "tag", name).
    The provider sets the ref on create and when the config changes it; it never pulls new
    commits of the branch by itself (Databricks Git folders don't either).

    `follow_branch=False` (a developer's folder): the branch is where the folder starts;
    switching it in the workspace is not undone by the next apply (ignore_changes).
    Attributes: `path`, `repo`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        git: GitSpec,
        path: str,
        ref: tuple[str, str],
        sparse_checkout: list[str],
        provider: TerraformProvider,
        address: str,
        follow_branch: bool = True,
    ):
        super().__init__(scope, id)
        kind, value = ref
        self.path = path
        self.repo = stable_address(
            Repo(
                self,
                "repo",
                provider=provider,
                url=git.url,
                git_provider=git.provider,
                path=path,
                sparse_checkout=RepoSparseCheckout(patterns=list(sparse_checkout))
                if sparse_checkout
                else None,
                lifecycle=None
                if follow_branch
                else TerraformResourceLifecycle(ignore_changes=["branch"]),
                **{kind: value},
            ),
            address,
        )
