"""Read config/platform.yaml and config/tiers/*.yaml, resolve `extends`, validate everything.

Either every tier is valid and a PlatformConfig comes back, or a ConfigError lists every
problem found (file, field path, expectation). Nothing downstream runs on a partial config.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tierform.config import deployed
from tierform.config.attribution import Attribution, removals
from tierform.config.backend import LocalBackendSpec
from tierform.config.ci import check_ci
from tierform.config.dbt_adapters import adapter_problem
from tierform.config.dbt_cloud_checks import check_dbt_cloud, deployment_type_clashes
from tierform.config.error_format import issues_from_validation, join_path, shorten
from tierform.config.errors import ConfigError, ConfigIssue
from tierform.config.merge import NOT_INHERITED, Layer, deep_merge, file_for
from tierform.config.name_limits import check_name_lengths
from tierform.config.path_checks import release_path_problems, tier_path_problems
from tierform.config.platform import PlatformConfig, PlatformSpec
from tierform.config.promotion import check_ci_state, check_promotion, check_required_ledgers
from tierform.config.references import check_tier
from tierform.config.release import (
    BLUE_GREEN_ADAPTERS,
    DbtFileError,
    check_release_paths,
    dbt_profile_targets,
    profile_env_vars,
    profile_literal_secrets,
)
from tierform.config.release_store import (
    check_shared_local_dags,
    check_store,
    is_checkout_folder,
    tier_store,
)
from tierform.config.repository import project_subfolder, work_root
from tierform.config.secrets import secrets_in
from tierform.config.shared_names import clashes
from tierform.config.tier import TierSpec
from tierform.config.tier_declaration import contradictions
from tierform.config.yaml_io import read_yaml_mapping

TIER_KINDS = ("local", "dev", "staging", "prod")


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path.absolute()) if relative.startswith("..") else relative


def load_platform(config_dir: str | Path = "config") -> PlatformConfig:
    config_dir = Path(config_dir)
    platform_file = config_dir / "platform.yaml"
    platform_display = display_path(platform_file)
    raw_platform = read_yaml_mapping(platform_file, platform_display)
    issues: list[ConfigIssue] = [
        ConfigIssue(platform_display, join_path(path), message)
        for path, message in secrets_in(raw_platform)
    ]
    try:
        platform = PlatformSpec.model_validate(raw_platform)
    except ValidationError as exc:
        raise ConfigError(
            issues
            + issues_from_validation(
                exc,
                {**raw_platform, "tier_entries": raw_platform.get("tiers")},
                lambda _path: platform_display,
                # `tier_entries[3].kind` is what the user wrote as `tiers[3].kind`.
                written_as={"tier_entries": "tiers"},
            )
        ) from None

    repo_root = config_dir.absolute().parent
    subfolder, where_problem = project_subfolder(repo_root, platform.repository.subfolder)
    if where_problem:
        issues.append(ConfigIssue(platform_display, "repository.subfolder", where_problem))
    dbt_targets: dict[str, str] | None = {}
    confined = list(release_path_problems(platform.release, repo_root, config_dir))
    try:
        release_problems = confined or list(check_release_paths(platform.release, repo_root))
    except DbtFileError as exc:  # e.g. a duplicate key in profiles.yml: that file's issue
        issues.append(ConfigIssue(display_path(exc.path), "", exc.message))
        release_problems, dbt_targets = [], None
    for path, message in release_problems:
        issues.append(ConfigIssue(platform_display, join_path(path), message))
        dbt_targets = None
    dbt_profile = ""
    if dbt_targets is not None and platform.release.dbt is not None:
        dbt_profile, dbt_targets = dbt_profile_targets(repo_root, platform.release.dbt)
        # Before any tier's checks: the rule covers every target, built by a tier or not.
        profiles = display_path(repo_root / platform.release.dbt.profiles_folder / "profiles.yml")
        for path, message in profile_literal_secrets(repo_root, platform.release.dbt):
            issues.append(ConfigIssue(profiles, join_path(path), message))
    raw_tiers = _read_tier_files(config_dir, platform, platform_display, issues)
    records = deployed.default_dir(work_root(config_dir, subfolder))
    tiers: dict[str, TierSpec] = {}
    # A mistake in prod.yaml shows up in every tier that extends prod: say it once, where
    # it was made (tierform/config/attribution.py).
    attribution = Attribution()
    layers_of: dict[str, list[Layer]] = {}
    for name in platform.tiers:
        if name not in raw_tiers:
            continue
        chain = _chain(name, raw_tiers, platform.tiers, issues)
        if chain is None:
            continue
        found: list[ConfigIssue] = []
        platform_layer = Layer(platform_display, {"naming": raw_platform.get("naming", {})})
        tier = _validate_tier(
            name,
            chain,
            platform_layer,
            platform,
            found,
            repo_root,
            config_dir=config_dir,
            attribution=attribution,
            subfolder=subfolder,
        )
        if tier is not None and dbt_targets is not None:
            found.extend(_check_dbt_target(tier, chain, platform, dbt_targets))
            found.extend(_check_dbt_adapter(tier, platform, repo_root, dbt_profile, dbt_targets))
            found.extend(_check_dbt_credentials(tier, platform, repo_root, dbt_profile))
        if tier is not None:
            found.extend(_check_dbt_runner(tier, chain, platform))
        if tier is not None:
            found.extend(_check_release_ledger(tier, chain, platform))
            found.extend(_check_deployed(tier, chain[0].file, platform_display, records))
        attribution.add(name, chain[0].file, found)
        if tier is not None:
            tiers[name] = tier
            layers_of[name] = [*chain, platform_layer]
    issues.extend(attribution.issues())
    for name, (path, message) in deployment_type_clashes(list(tiers.values())):
        issues.append(ConfigIssue(file_for(layers_of[name], path), join_path(path), message))
    for name, path, message in clashes(list(tiers.values())):
        issues.append(ConfigIssue(file_for(layers_of[name], path), join_path(path), message))
    protected = {name for name, tier in tiers.items() if tier.is_protected}
    for path, message in check_promotion(platform.promotion, platform.tiers, protected):
        issues.append(ConfigIssue(platform_display, join_path(path), message))
    checkout_ledgers = {
        name: store.directory
        for name, tier in tiers.items()
        if is_checkout_folder(store := tier_store(tier, platform.release.store))
    }
    for path, message in check_required_ledgers(platform.promotion, checkout_ledgers):
        issues.append(ConfigIssue(platform_display, join_path(path), message))
    checkout_state = {
        name: tier.backend.directory
        for name, tier in tiers.items()
        if isinstance(tier.backend, LocalBackendSpec)
    }
    for path, name, message in check_ci_state(platform.promotion, checkout_state):
        issues.append(ConfigIssue(file_for(layers_of[name], path), join_path(path), message))
    with_dbt = {n for n, t in tiers.items() if platform.release.dbt and t.release.dbt.enabled}
    for path, message in check_ci(platform.ci, platform.tiers, with_dbt, set(tiers)):
        issues.append(ConfigIssue(platform_display, join_path(path), message))
    if issues:
        raise ConfigError(list(dict.fromkeys(issues)))
    return PlatformConfig(
        platform=platform,
        tiers=tiers,
        config_dir=config_dir,
        dbt_targets=dbt_targets or {},
        repository_subfolder=subfolder,
    )


def _check_deployed(
    tier: TierSpec, tier_file: str, platform_file: str, directory: Path
) -> list[ConfigIssue]:
    """Refuse what weakens the tier's last deployment (tierform/config/deployed.py). The
    records are in the platform's working root (`directory`), where the deploys that
    write them run, whichever folder this command runs in."""
    record = deployed.load(directory, tier.name)
    issues = deployed.check_retire_names(tier, record, tier_file)
    if record is not None:
        issues += deployed.check_against(
            tier,
            record,
            tier_file=tier_file,
            platform_file=platform_file,
            record_file=display_path(deployed.record_path(directory, tier.name)),
        )
    return issues


def _check_dbt_target(
    tier: TierSpec, chain: list[Layer], platform: PlatformSpec, targets: dict[str, str]
) -> list[ConfigIssue]:
    """A tier that builds dbt must name a target its profiles.yml declares (dbt Cloud
    reads no profiles.yml: there the target is only the job's `target.name`)."""
    project = platform.release.dbt
    if project is None or not tier.release.dbt.enabled or tier.release.dbt.runner == "dbt_cloud":
        return []
    target = tier.release.dbt.target or tier.name
    if target in targets:
        return _check_dbt_publish(tier, chain, target, targets[target])
    path: list[str | int] = ["release", "dbt", "target"]
    how = "" if tier.release.dbt.target else " (the tier's name, as release.dbt.target is unset)"
    return [
        ConfigIssue(
            file_for(chain, path),
            join_path(path),
            f"dbt target {target!r}{how} is not declared in {project.profiles_folder}/profiles.yml "
            f"(targets: {', '.join(targets) or 'none'}); set release.dbt.target, add the "
            "target, or set release.dbt.enabled: false",
        )
    ]


def _check_dbt_adapter(
    tier: TierSpec, platform: PlatformSpec, repo_root: Path, profile: str, targets: dict[str, str]
) -> list[ConfigIssue]:
    """A tier that runs dbt itself builds with an adapter installed beside dbt: otherwise
    its release step fails at every apply (tierform/config/dbt_adapters.py). dbt Cloud
    builds remotely, with its own adapters."""
    project = platform.release.dbt
    dbt = tier.release.dbt
    if project is None or not dbt.enabled or dbt.runner == "dbt_cloud":
        return []
    target = dbt.target or tier.name
    if target not in targets:
        return []  # _check_dbt_target's to say
    problem = adapter_problem(targets[target])
    if problem is None:
        return []
    # The same line for every tier building with the target: said once (attribution.py).
    profiles = display_path(repo_root / project.profiles_folder / "profiles.yml")
    return [ConfigIssue(profiles, join_path([profile, "outputs", target, "type"]), problem)]


# The Databricks SDK's personal access token variable. The Terraform provider reads it as
# well as DATABRICKS_CLIENT_ID/SECRET, the OAuth pair `tierform inputs` gives it, and refuses
# a job environment holding both ("more than one authorization method configured").
_DATABRICKS_PAT_VARIABLE = "DATABRICKS_TOKEN"


def _check_dbt_credentials(
    tier: TierSpec, platform: PlatformSpec, repo_root: Path, profile: str
) -> list[ConfigIssue]:
    """A dbt target reading DATABRICKS_TOKEN on a tier whose stack has the Databricks
    provider would put a PAT beside the provider's OAuth pair in the apply job: every plan of
    the tier would then fail before it starts."""
    project = platform.release.dbt
    dbt = tier.release.dbt
    if project is None or not dbt.enabled or dbt.runner == "dbt_cloud" or tier.databricks is None:
        return []
    profiles = repo_root / project.profiles_folder / "profiles.yml"
    target = dbt.target or tier.name
    try:
        names = profile_env_vars(profiles, profile, target)
    except ValueError:
        return []  # a missing target is _check_dbt_target's to say
    if _DATABRICKS_PAT_VARIABLE not in names:
        return []
    return [
        ConfigIssue(
            display_path(profiles),
            f"{profile}.outputs.{target}",
            f"reads {_DATABRICKS_PAT_VARIABLE}, which the Databricks provider of tier {tier.name!r} "
            "reads too: beside its OAuth pair (DATABRICKS_CLIENT_ID, DATABRICKS_CLIENT_SECRET) "
            "in the apply job, the provider refuses to plan (more than one authorization "
            "method); give dbt the same service principal (auth_type: oauth, client_id and "
            "client_secret from those variables) or a token variable of its own name (e.g. "
            "DBT_DATABRICKS_TOKEN)",
        )
    ]


def _check_dbt_publish(
    tier: TierSpec, chain: list[Layer], target: str, adapter: str
) -> list[ConfigIssue]:
    """`publish: blue_green`, written, on an adapter without a shadow build would be
    ignored at release time: a model whose test fails would go live although the config
    says it cannot. The default (unwritten) builds in place there and says so."""
    dbt = tier.release.dbt
    if "publish" not in dbt.model_fields_set or dbt.publish != "blue_green":
        return []
    if adapter in BLUE_GREEN_ADAPTERS:
        return []
    path: list[str | int] = ["release", "dbt", "publish"]
    return [
        ConfigIssue(
            file_for(chain, path),
            join_path(path),
            f"blue_green builds in a shadow on {' or '.join(BLUE_GREEN_ADAPTERS)}; dbt target "
            f"{target!r} is {adapter}, where dbt builds in place: write publish: in_place "
            "(or remove it)",
        )
    ]


def _check_dbt_runner(
    tier: TierSpec, chain: list[Layer], platform: PlatformSpec
) -> list[ConfigIssue]:
    """A dbt_cloud tier has the platform's account settings and a connection the tier's
    own config can back (tierform/config/dbt_cloud_checks.py)."""
    project = platform.release.dbt
    if project is None or not tier.release.dbt.enabled:
        return []
    return [
        ConfigIssue(file_for(chain, p), join_path(p), m)
        for p, m in check_dbt_cloud(tier, project.cloud)
    ]


def _check_release_ledger(
    tier: TierSpec, chain: list[Layer], platform: PlatformSpec
) -> list[ConfigIssue]:
    """The tier has somewhere durable for its release records, and publishes no DAGs into a
    CI runner's temporary folder."""
    has_dags = platform.release.dags is not None and tier.release.dags.enabled
    problems = [
        *check_store(tier, platform.release.store),
        *check_shared_local_dags(tier, has_dags),
    ]
    return [ConfigIssue(file_for(chain, p), join_path(p), m) for p, m in problems]


def _read_tier_files(
    config_dir: Path, platform: PlatformSpec, platform_display: str, issues: list[ConfigIssue]
) -> dict[str, Layer]:
    tiers_dir = config_dir / "tiers"
    raw: dict[str, Layer] = {}
    for name in platform.tiers:
        path = tiers_dir / f"{name}.yaml"
        shown = display_path(path)
        if not path.exists() and not path.is_symlink():
            issues.append(
                ConfigIssue(
                    shown, "", f"file not found (tier {name!r} is listed in {platform_display})"
                )
            )
            continue
        try:
            data = read_yaml_mapping(path, shown)
        except ConfigError as exc:
            issues.extend(exc.issues)
            continue
        issues.extend(
            ConfigIssue(shown, join_path(path), message) for path, message in secrets_in(data)
        )
        if "name" in data:
            issues.append(
                ConfigIssue(
                    shown, "name", f"a tier's name is its file name ({name!r}); remove this key"
                )
            )
            continue
        raw[name] = Layer(shown, data)
    if tiers_dir.is_dir():
        for path in sorted(tiers_dir.glob("*.y*ml")):
            if path.stem not in platform.tiers:
                issues.append(
                    ConfigIssue(
                        display_path(path),
                        "",
                        f"tier {path.stem!r} is not listed in {platform_display} `tiers` "
                        f"(listed: {', '.join(platform.tiers)}); add it there or remove the file",
                    )
                )
            elif path.suffix != ".yaml":
                issues.append(ConfigIssue(display_path(path), "", "tier files end in .yaml"))
    return raw


def _chain(
    name: str, raw: dict[str, Layer], order: list[str], issues: list[ConfigIssue]
) -> list[Layer] | None:
    """The inheritance chain of `name`, its own file first; None (with an issue) if broken."""
    chain: list[Layer] = []
    visited: list[str] = []
    current: str | None = name
    while current is not None:
        layer = raw.get(current)
        if layer is None:  # the parent's own file failed to load; reported already
            return None
        chain.append(layer)
        visited.append(current)
        parent = layer.data.get("extends")
        if parent is None:
            return chain
        if not isinstance(parent, str):
            issues.append(
                ConfigIssue(layer.file, "extends", f"expected a tier name, got {shorten(parent)}")
            )
            return None
        if parent not in order:
            issues.append(
                ConfigIssue(
                    layer.file,
                    "extends",
                    f"{shorten(parent)} is not a tier (tiers: {', '.join(order)})",
                )
            )
            return None
        if parent in visited:
            # Each tier on the cycle reports it in its own file; a tier that merely
            # extends into a cycle stays silent (the cycle's members already explain).
            if parent == name:
                cycle = " → ".join([*visited, parent])
                issues.append(ConfigIssue(chain[0].file, "extends", f"inheritance cycle: {cycle}"))
            return None
        current = parent
    return chain


def _merged(chain: list[Layer]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for layer in reversed(chain):
        inherited = {k: v for k, v in merged.items() if k not in NOT_INHERITED}
        merged = deep_merge(inherited, layer.data)
    merged.pop("extends", None)
    return merged


def _validate_tier(
    name: str,
    chain: list[Layer],
    platform_layer: Layer,
    platform: PlatformSpec,
    issues: list[ConfigIssue],
    repo_root: Path | None = None,
    *,
    config_dir: Path | None = None,
    attribution: Attribution | None = None,
    subfolder: str = "",
) -> TierSpec | None:
    data = _merged(chain)
    data["name"] = name
    _place_job_paths(data, chain, issues, subfolder)
    # Kind and protection come from the platform file (tierform/config/tier_declaration.py).
    index, decl = platform.declaration(name)
    own = chain[0]
    found_contradiction = False
    for field, message in contradictions(name, index, decl, own.data, platform_layer.file):
        issues.append(ConfigIssue(own.file, field, message))
        found_contradiction = True
    if decl.kind is not None:
        data["kind"] = decl.kind
        data["protected"] = decl.protected
    if "kind" not in data and name in TIER_KINDS:
        data["kind"] = name
    data.setdefault("naming", platform_layer.data["naming"])
    layers = [*chain, platform_layer]
    try:
        tier = TierSpec.model_validate(data)
    except ValidationError as exc:
        issues.extend(issues_from_validation(exc, data, lambda path: file_for(layers, path)))
        return None
    found = found_contradiction
    naming_problem = tier.naming.check_result(name)
    if naming_problem:
        issues.append(
            ConfigIssue(file_for(layers, ["naming", "pattern"]), "naming.pattern", naming_problem)
        )
        found = True
    problems = list(check_tier(tier, repo_root)) + list(check_name_lengths(tier))
    if repo_root is not None and config_dir is not None:
        problems += tier_path_problems(tier, repo_root, config_dir)
    removed = removals(chain)
    for path, message in problems:
        file = file_for(layers, path)
        if attribution is None or not attribution.removed_reference(removed, path, message, file):
            issues.append(ConfigIssue(file, join_path(path), message))
        found = True
    return None if found else tier


def _place_job_paths(
    data: dict[str, Any], chain: list[Layer], issues: list[ConfigIssue], subfolder: str
) -> None:
    """Tell the Databricks git source where the project sits in the repository (one
    setting for the platform, in platform.yaml, never per tier)."""
    dbx = data.get("databricks")
    git = dbx.get("git") if isinstance(dbx, dict) else None
    if not isinstance(git, dict):
        return
    if "subfolder" in git:
        path = ["databricks", "git", "subfolder"]
        issues.append(
            ConfigIssue(
                file_for(chain, path),
                join_path(path),
                "set once for the platform, as `repository.subfolder` in platform.yaml",
            )
        )
    data["databricks"] = {**dbx, "git": {**git, "subfolder": subfolder}}
