"""A developer's Databricks sandbox on the dev tier: a schema in the dev catalog that the
developer owns, so their dbt target has somewhere to build."""

from __future__ import annotations

from tierform.config import databricks_naming as naming
from tierform.config.tier import DeveloperSpec, TierSpec
from tierform.constructs.databricks.bindings import Schema
from tierform.constructs.databricks.git_folders import GitFolder
from tierform.constructs.databricks.provider import databricks_provider
from tierform.constructs.foreach import stable_address
from tierform.constructs.framework import Construct
from tierform.constructs.literal import literal_spec


class DatabricksSandbox(Construct):
    """`databricks_schema.sandbox`, owned by the developer's user. The dev catalog is named,
    never read from the dev stack's state; USE_CATALOG for the developer is granted by the
    dev tier's stack (catalog grants are authoritative and live in one place).

    With `databricks.git_folders` (sandboxes: true), also `databricks_repo.git_folder`: the
    developer's Git folder on their `git_branch` (default: the tier folder's branch, else main).

    Attributes: `catalog_name`, `schema_name`, `owner`, `schema`, `git_folder` (or None).
    """

    def __init__(self, scope: Construct, id: str, *, tier: TierSpec, developer: DeveloperSpec):
        super().__init__(scope, id)
        # config text becomes Terraform literals (see literal.py)
        tier, developer = literal_spec(tier), literal_spec(developer)
        if tier.databricks is None or developer.databricks_user is None:
            raise ValueError(
                f"developer {developer.name!r} on tier {tier.name!r} has no Databricks sandbox"
            )
        provider = databricks_provider(self, tier.databricks.workspace)
        self.catalog_name = naming.catalog_name(tier)
        self.schema_name = naming.sandbox_schema_name(tier, developer.name)
        self.owner = developer.databricks_user
        self.schema = stable_address(
            Schema(
                self,
                "schema",
                provider=provider,
                catalog_name=self.catalog_name,
                name=self.schema_name,
                owner=self.owner,
                comment=f"Sandbox of {developer.name}, managed by Tierform",
                properties={"tier": tier.name, "developer": developer.name},
                # A sandbox is disposable: removing the developer drops its tables too.
                force_destroy=True,
            ),
            "sandbox",
        )
        self.git_folder = None
        folders = tier.databricks.git_folders
        if folders is not None and folders.sandboxes and tier.databricks.git is not None:
            kind, value = naming.git_folder_ref(tier)
            branch = developer.git_branch or (value if kind == "branch" else "main")
            self.git_folder = GitFolder(
                self,
                "git_folder",
                git=tier.databricks.git,
                path=naming.sandbox_git_folder_path(tier, developer.databricks_user),
                ref=("branch", branch),
                sparse_checkout=folders.sparse_checkout,
                provider=provider,
                address="git_folder",
                follow_branch=False,
            )
