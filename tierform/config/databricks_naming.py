"""Physical Databricks names of one tier, computed from config alone (constructs, sandboxes
and the release CLI all agree on them without reading each other's state)."""

from __future__ import annotations

from pathlib import PurePosixPath

from tierform.config.tier import TierSpec

# Variable CD sets (TF_VAR_databricks_git_commit) when prod's config pins no tag or commit.
GIT_COMMIT_VARIABLE = "databricks_git_commit"
# What the Git folders release step (`python -m tierform.release git-folders`) gets from the
# tier's stack: the tier folder's repo id, and the commit the jobs run when CD supplies it.
GIT_FOLDER_ID_ENV = "TIERFORM_GIT_FOLDER_ID"
JOBS_COMMIT_ENV = "TIERFORM_JOBS_COMMIT"
# Extensions a notebook in a Git folder may have; jobs name it without one.
NOTEBOOK_EXTENSIONS = (".py", ".ipynb", ".sql", ".scala", ".r")
# The key of a job's one job cluster (the deployed jobs and the CI's one-time runs).
JOB_CLUSTER_KEY = "main"


def notebook_path(value: str) -> str:
    """Jobs name a notebook in Git without its extension."""
    path = PurePosixPath(value)
    return str(path.with_suffix("")) if path.suffix in NOTEBOOK_EXTENSIONS else str(path)


def catalog_name(tier: TierSpec) -> str:
    """`per_tier`: the naming rule, lower-cased (Unity Catalog stores names in lower case)."""
    assert tier.databricks is not None
    catalog = tier.databricks.catalog
    if catalog.layout == "shared":
        return catalog.name.lower()
    return tier.object_name(catalog.name).lower()


def schema_name(tier: TierSpec, logical: str) -> str:
    """`shared` catalogs keep tiers apart by a `<tier>_` prefix on every schema."""
    assert tier.databricks is not None
    if tier.databricks.catalog.layout == "shared":
        return f"{tier.name}_{logical}".lower()
    return logical.lower()


def sandbox_schema_logical(developer: str) -> str:
    """The same logical name as the developer's Snowflake sandbox: DEV_ALICE."""
    return f"DEV_{developer.upper()}"


def sandbox_schema_name(tier: TierSpec, developer: str) -> str:
    """The developer's schema: `dev_alice` in the tier's own catalog; in a shared catalog
    the tier prefix already says where it belongs (`<tier>_alice`, not `dev_dev_alice`)."""
    assert tier.databricks is not None
    if tier.databricks.catalog.layout == "shared":
        return schema_name(tier, developer.upper())
    return sandbox_schema_logical(developer).lower()


def object_name(tier: TierSpec, logical: str) -> str:
    """Workspace objects (service principal, policies, warehouses, secret scope)."""
    return tier.object_name(logical).lower()


def job_name(tier: TierSpec, logical: str) -> str:
    """Job names always carry the tier, whatever the naming rule: `[prod] NIGHTLY`."""
    return f"[{tier.name}] {logical}"


def git_ref(tier: TierSpec) -> tuple[str, str | None]:
    """(kind, value) of the ref this tier's jobs run: ("branch", "main"), ("tag", "v1.2"),
    ("commit", sha), or ("variable", None) when CD supplies the commit: prod without a
    pinned ref, and any tier with `follow: deployed`."""
    assert tier.databricks is not None
    git = tier.databricks.git
    if git is not None and git.follow == "deployed":
        return "variable", None
    for kind in ("branch", "tag", "commit"):
        value = getattr(git, kind) if git else None
        if value is not None:
            return kind, value
    if tier.kind == "prod":
        return "variable", None
    return "branch", "main"


def git_folder_name(tier: TierSpec) -> str:
    """`git_folders.name`, else the repository's name (…/data-platform.git → data-platform)."""
    assert tier.databricks is not None and tier.databricks.git_folders is not None
    dbx = tier.databricks
    if dbx.git_folders.name is not None:
        return dbx.git_folders.name
    assert dbx.git is not None
    last = dbx.git.url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return last.removesuffix(".git") or "repository"


def tier_git_folder_path(tier: TierSpec) -> str:
    """The tier's Git folder: `<parent>/<tier>/<name>` (/Repos/prod/data-platform)."""
    assert tier.databricks is not None and tier.databricks.git_folders is not None
    return f"{tier.databricks.git_folders.parent}/{tier.name}/{git_folder_name(tier)}"


def sandbox_git_folder_path(tier: TierSpec, databricks_user: str) -> str:
    """A developer's Git folder, in the developer's own Repos folder."""
    return f"/Repos/{databricks_user}/{git_folder_name(tier)}"


def git_folder_ref(tier: TierSpec) -> tuple[str, str]:
    """(branch | tag, name) of the tier's Git folder: `git_folders.branch`/`tag`, else the
    jobs' branch or tag, else main (a Git folder cannot check out a commit)."""
    assert tier.databricks is not None and tier.databricks.git_folders is not None
    folders = tier.databricks.git_folders
    if folders.tag is not None:
        return "tag", folders.tag
    if folders.branch is not None:
        return "branch", folders.branch
    kind, value = git_ref(tier)
    if kind in ("branch", "tag") and value is not None:
        return kind, value
    return "branch", "main"
