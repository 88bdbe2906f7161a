"""Which dbt adapters a release step can build with: the ones installed beside dbt.

A dbt target whose adapter is not installed validated and synthesized, then failed at every
apply ("Error importing adapter: No module named 'dbt.adapters.…'"). Validation refuses it
instead, wherever dbt itself is installed (the release steps, `make setup`'s .venv). Where
dbt is not (the light CI install, requirements/light.txt) nothing is refused: those jobs
only decide what to run, and the job that builds validates again with dbt.
"""

from __future__ import annotations

from importlib.util import find_spec

# The adapters pyproject.toml's `release` extra ships (and so requirements/tierform.lock,
# which `make setup` and CI install); tests/unit/test_dbt_adapters.py holds the two together.
SHIPPED_ADAPTERS = ("duckdb", "snowflake", "databricks")


def adapter_distribution(adapter: str) -> str:
    """The PyPI package of a dbt adapter type: `dbt-<type>` (dbt-snowflake, dbt-bigquery)."""
    return f"dbt-{adapter}"


def _module_found(name: str) -> bool:
    """Whether module `name` is installed, without running it: find_spec loads only the
    packages above it (dbt's `dbt` and `dbt.adapters` are namespace stubs)."""
    try:
        return find_spec(name) is not None
    except ModuleNotFoundError:  # a package above it is missing
        return False


def adapter_problem(adapter: str) -> str | None:
    """Why a dbt_core release cannot build with `adapter` on this machine, or None.

    None wherever dbt itself is not installed: there no adapter is expected."""
    if not _module_found("dbt.adapters"):
        return None
    ships = "Tierform ships " + _listed([adapter_distribution(a) for a in SHIPPED_ADAPTERS])
    if not adapter.isidentifier():
        # dbt_profile_targets gives '?' for a target without `type:`.
        got = "none" if adapter == "?" else repr(adapter)
        return f"expected the adapter type ({_listed(SHIPPED_ADAPTERS, 'or')}), got {got}; {ships}"
    if _module_found(f"dbt.adapters.{adapter}"):
        return None
    package = adapter_distribution(adapter)
    if adapter in SHIPPED_ADAPTERS:
        return (
            f"adapter {adapter!r} is not installed (package {package}), though Tierform "
            "ships it; run `make setup` (it installs requirements/tierform.lock)"
        )
    return (
        f"adapter {adapter!r} is not installed (package {package}); {ships}; add the "
        "package to pyproject.toml's release extra and run `make lock`"
    )


def _listed(words: tuple[str, ...] | list[str], last: str = "and") -> str:
    return f"{', '.join(words[:-1])} {last} {words[-1]}" if len(words) > 1 else "".join(words)
