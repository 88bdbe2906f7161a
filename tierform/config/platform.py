"""The platform file (tiers in promotion order, shared naming) and the loaded whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from tierform.config.base import Slug, Spec, TierName
from tierform.config.ci import CiSpec
from tierform.config.dbt_cloud_resolve import DbtCloudEnvironmentSpec, resolve
from tierform.config.error_format import shorten
from tierform.config.naming import NamingRule
from tierform.config.promotion import PromotionSpec
from tierform.config.release import DagsStep, DbtStep, ReleaseSpec
from tierform.config.release_store import tier_store
from tierform.config.repository import RepositorySpec
from tierform.config.tier import DeveloperSpec, TierSpec
from tierform.config.tier_declaration import Declaration, TierEntry, declaration


class PlatformSpec(Spec):
    name: Slug
    description: str | None = None
    # Promotion order: code moves from the first tier to the last.
    tiers: list[TierName] = Field(min_length=1)
    # Default naming rule; a tier may override it.
    naming: NamingRule = Field(default_factory=NamingRule)
    # Which git refs deploy which tier (see tierform/config/promotion.py); empty: none.
    promotion: PromotionSpec = Field(default_factory=PromotionSpec)
    # What the tiers release after their infrastructure (dbt project, DAGs folder).
    release: ReleaseSpec = Field(default_factory=ReleaseSpec)
    # Pull requests' data CI: target tiers, data-impact threshold (tierform/config/ci.py).
    ci: CiSpec = Field(default_factory=CiSpec)
    # Where the project sits in its git repository (tierform/config/repository.py).
    repository: RepositorySpec = Field(default_factory=RepositorySpec)
    # The `tiers:` entries as written (a name, or {name, kind, protected}): filled from
    # `tiers` (tierform/config/tier_declaration.py); errors are reported under `tiers`.
    tier_entries: list[TierEntry] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _split_tier_entries(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        if "tier_entries" in data:
            raise PydanticCustomError(
                "unknown_key", "unknown key; declare tiers under `tiers`", {"key": "tier_entries"}
            )
        tiers = data.get("tiers")
        if not isinstance(tiers, list):
            return data
        names = [t.get("name") if isinstance(t, dict) else t for t in tiers]
        return {**data, "tiers": names, "tier_entries": tiers}

    def declaration(self, tier: str) -> tuple[int, Declaration]:
        """Where `tier` is listed in `tiers` and what the platform file declares it to be."""
        index = self.tiers.index(tier)
        return index, declaration(self.tier_entries[index])

    @field_validator("tiers")
    @classmethod
    def _unique(cls, tiers: list[str]) -> list[str]:
        for tier in tiers:
            if tiers.count(tier) > 1:
                raise ValueError(f"{shorten(tier)} is listed twice")
        return tiers


@dataclass(frozen=True)
class SandboxRef:
    """A developer sandbox: its stack name, the tier it belongs to and the developer."""

    stack: str
    tier: TierSpec
    developer: DeveloperSpec


@dataclass(frozen=True)
class PlatformConfig:
    """The validated configuration: nothing here can fail to synthesize for config reasons."""

    platform: PlatformSpec
    tiers: dict[str, TierSpec]  # in promotion order
    config_dir: Path
    # dbt target → adapter type, read from the project's profiles.yml at load time.
    dbt_targets: dict[str, str] = field(default_factory=dict)
    # The project folder relative to the git root ('' when they are one folder).
    repository_subfolder: str = ""

    def tier(self, name: str) -> TierSpec:
        return self.tiers[name]

    @property
    def repo_root(self) -> Path:
        """The project folder: the config folder's parent (paths in config are relative to
        it); the git root is `repository_subfolder` above it (tierform/config/repository.py)."""
        return self.config_dir.absolute().parent

    @property
    def work_root(self) -> Path:
        """Where `.tierform/` (ledgers, deployment records) is: tierform/config/repository.py."""
        from tierform.config.repository import work_root

        return work_root(self.config_dir, self.repository_subfolder)

    def dbt_step(self, tier: TierSpec) -> DbtStep | None:
        """The tier's dbt release, or None when the platform or the tier has none."""
        project, switch = self.platform.release.dbt, tier.release.dbt
        if project is None or not switch.enabled:
            return None
        target = switch.target or tier.name
        resolved = self._dbt_cloud(tier)
        if resolved is not None:
            spec, cloud = resolved
            return DbtStep(
                project_dir=project.project_dir,
                profiles_dir=project.profiles_folder,
                target=target,
                # dbt Cloud's adapter is its connection's; it builds in place (validated).
                adapter=spec.connection_type,
                slim=False,
                publish="in_place",
                runner="dbt_cloud",
                cloud=cloud,
            )
        return DbtStep(
            project_dir=project.project_dir,
            profiles_dir=project.profiles_folder,
            target=target,
            adapter=self.dbt_targets.get(target, "unknown"),
            slim=switch.slim,
            publish=switch.publish,
        )

    def dbt_cloud_environment(self, tier: TierSpec) -> DbtCloudEnvironmentSpec | None:
        """What the tier's stack builds in dbt Cloud, or None unless it has a dbt release
        run by dbt Cloud (tierform/config/dbt_cloud_resolve.py)."""
        project, switch = self.platform.release.dbt, tier.release.dbt
        if project is None or not switch.enabled:
            return None
        resolved = self._dbt_cloud(tier)
        return resolved[0] if resolved is not None else None

    def _dbt_cloud(self, tier: TierSpec):
        project = self.platform.release.dbt
        if project is None or tier.release.dbt.runner != "dbt_cloud":
            return None
        assert project.cloud is not None, "validated: a dbt_cloud tier has the account settings"
        return resolve(
            project.cloud,
            tier,
            target=tier.release.dbt.target or tier.name,
            ci_target=tier.name in self.platform.ci.targets,
        )

    def dags_step(self, tier: TierSpec) -> DagsStep | None:
        """The tier's DAG release: needs a DAGs folder, the tier's switch and an Airflow."""
        folder = self.platform.release.dags
        if folder is None or not tier.release.dags.enabled or tier.airflow is None:
            return None
        return DagsStep(folder=folder.folder, requirements=folder.requirements)

    def release_store(self, tier: TierSpec):
        """Where the tier's release ledger lives: the tier's `release.store`, the platform's,
        or next to the tier's Terraform state (validation guarantees one of them exists)."""
        store = tier_store(tier, self.platform.release.store)
        assert store is not None, "validated: a cloud-backend tier names a store"
        return store

    @property
    def sandboxes(self) -> list[SandboxRef]:
        return [
            SandboxRef(f"{tier.name}-{dev.name}", tier, dev)
            for tier in self.tiers.values()
            for dev in tier.developers
        ]

    @property
    def stack_names(self) -> list[str]:
        return [*self.tiers, *(s.stack for s in self.sandboxes)]

    def stack_tier(self, stack: str) -> TierSpec:
        """The tier of a stack: the tier itself, or the tier a sandbox stack belongs to (its
        backend, accounts and protection). KeyError for a name that is neither."""
        sandbox = next((s for s in self.sandboxes if s.stack == stack), None)
        return sandbox.tier if sandbox is not None else self.tiers[stack]
