"""Import cdktf's prebuilt provider packages one submodule at a time.

The package `__init__` of cdktf's prebuilt providers (jsii-pacmak before its lazy-loading
release) imports every submodule: 153 for Snowflake, 252 for Databricks, for the 27 Tierform
uses; importing only those makes a synth ~0.9 s and ~125 MB smaller (README, Benchmarks). CDK Terrain's packages, built by
a newer jsii-pacmak, already load lazily: their `__init__` imports only `_jsii` (the
assembly), answers a submodule name with a PEP 562 `__getattr__`, and hands the jsii runtime
a `_SUBMODULE_FQN_MAP` so an object node returns whose class lives in a submodule not yet
imported still finds it (jsii `_reference_map._try_import_type_module`). `import_lazily`
gives a cdktf prebuilt package that same shape, without running its `__init__`:

- `import pkg.job`, `from pkg import job`, `pkg.job` and `from pkg import *` work as before;
  a submodule is imported when first named;
- the assembly is loaded into node as before (`pkg._jsii`), so every type exists there;
- the jsii runtime learns each submodule's FQN (`@cdktf/provider-databricks.sqlEndpoint` is
  `cdktf_cdktf_provider_databricks.sql_endpoint`, the rule pacmak names them by), so it
  imports the submodule of a type it is handed before it has been named in Python.

A package imported before this runs (by a user's own code) stays as it is. A jsii runtime
without lazy type resolution, or `TIERFORM_LAZY_PROVIDERS=0`, imports packages whole.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from importlib.util import find_spec, module_from_spec
from types import ModuleType

LAZY_VARIABLE = "TIERFORM_LAZY_PROVIDERS"
_WORD_START = re.compile(r"_([a-z0-9])")


def _runtime_resolves_lazily() -> bool:
    from jsii import _reference_map

    return hasattr(_reference_map, "_submodule_fqn_map") and hasattr(
        _reference_map, "_try_import_type_module"
    )


def jsii_submodule(name: str) -> str:
    """The jsii name of a Python submodule: `sql_endpoint` is `sqlEndpoint`."""
    return _WORD_START.sub(lambda m: m.group(1).upper(), name)


def import_lazily(package: str) -> None:
    """Make `package` (a cdktf prebuilt provider) load its submodules when first named."""
    if package in sys.modules or os.environ.get(LAZY_VARIABLE, "").strip() == "0":
        return
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations or not _runtime_resolves_lazily():
        return  # not installed (the import that follows says so), or an older jsii
    root = spec.submodule_search_locations[0]
    with os.scandir(root) as entries:
        names = sorted(
            e.name
            for e in entries
            if e.is_dir() and not e.name.startswith("_") and os.path.isfile(f"{e.path}/__init__.py")
        )
    module = module_from_spec(spec)
    _give_lazy_attributes(module, package, names)
    sys.modules[package] = module
    try:
        assembly = importlib.import_module(f"{package}._jsii").__jsii_assembly__
    except BaseException:
        del sys.modules[package]
        raise
    module.__jsii_assembly__ = assembly
    from jsii import _reference_map

    for name in names:
        _reference_map._submodule_fqn_map.setdefault(
            f"{assembly.name}.{jsii_submodule(name)}", f"{package}.{name}"
        )


def _give_lazy_attributes(module: ModuleType, package: str, names: list[str]) -> None:
    submodules = frozenset(names)

    def __getattr__(name: str) -> ModuleType:
        if name in submodules:
            return importlib.import_module(f"{package}.{name}")  # also sets it on the module
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted({*module.__dict__, *submodules})

    module.__all__ = names
    module.__getattr__ = __getattr__
    module.__dir__ = __dir__
