"""cdktf's prebuilt provider packages imported a submodule at a time
(tierform/constructs/provider_packages.py): Tierform imports only the submodules it names, a
user's code reaches every other one the ways Python offers, the jsii runtime finds a type of a
submodule not yet imported, and a synth writes the same bytes as with the packages imported
whole. Each test runs a fresh Python process: what is imported is process state."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import EXAMPLE_CONFIG, HELIX_CONFIG, run_synth, tool_env

from tierform.constructs.provider_packages import LAZY_VARIABLE, jsii_submodule

PACKAGES = ("cdktf_cdktf_provider_snowflake", "cdktf_cdktf_provider_databricks")
HANG_GUARD = 180  # a hang guard for the subprocess, not a timing assertion


def _python(code: str, **env: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=tool_env(**env),
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _package_root(package: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations
    return Path(spec.submodule_search_locations[0])


def _declared_submodules(package: str) -> list[str]:
    """The package's own `__all__`, read from its `__init__.py` without running it."""
    tree = ast.parse((_package_root(package) / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return sorted(ast.literal_eval(node.value))
    raise AssertionError(f"{package}/__init__.py declares no __all__")


_LOADED = (
    "import json, sys\n"
    "import tierform.constructs.snowflake, tierform.constructs.databricks\n"
    f"packages = {PACKAGES!r}\n"
    "print(json.dumps({p: sorted(m.split('.')[1] for m in sys.modules"
    " if m.startswith(p + '.') and m.count('.') == 1 and '._' not in m) for p in packages}))\n"
)


def test_tierform_imports_only_the_provider_submodules_it_names() -> None:
    loaded = _python(_LOADED)
    for package in PACKAGES:
        declared = _declared_submodules(package)
        names = set(loaded[package])
        assert names < set(declared), package
        assert len(names) <= 20, (package, sorted(names))  # Tierform names 13-14 of each
    assert "job" in loaded["cdktf_cdktf_provider_databricks"]
    assert "alert" not in loaded["cdktf_cdktf_provider_databricks"]
    assert "schema" in loaded["cdktf_cdktf_provider_snowflake"]


def test_turned_off_the_packages_are_imported_whole() -> None:
    loaded = _python(_LOADED, **{LAZY_VARIABLE: "0"})
    for package in PACKAGES:
        assert set(loaded[package]) == set(_declared_submodules(package)), package


def test_a_lazy_package_answers_every_way_of_naming_a_submodule() -> None:
    code = (
        "import json\n"
        "from tierform.constructs.provider_packages import import_lazily\n"
        "import_lazily('cdktf_cdktf_provider_databricks')\n"
        "import cdktf_cdktf_provider_databricks as d\n"
        "by_attribute = d.alert.Alert.__name__\n"
        "from cdktf_cdktf_provider_databricks import volume\n"
        "import cdktf_cdktf_provider_databricks.token as token\n"
        "try:\n"
        "    d.no_such_submodule\n"
        "    missing = 'no error'\n"
        "except AttributeError as exc:\n"
        "    missing = str(exc)\n"
        "print(json.dumps({'attribute': by_attribute, 'from': volume.Volume.__name__,"
        " 'dotted': token.Token.__name__, 'all': d.__all__, 'dir': 'alert' in dir(d),"
        " 'missing': missing, 'assembly': d.__jsii_assembly__.name}))\n"
    )
    seen = _python(code)
    assert (seen["attribute"], seen["from"], seen["dotted"]) == ("Alert", "Volume", "Token")
    assert seen["all"] == _declared_submodules("cdktf_cdktf_provider_databricks")
    assert seen["dir"] is True
    assert "no attribute 'no_such_submodule'" in seen["missing"]
    assert seen["assembly"] == "@cdktf/provider-databricks"


def test_the_jsii_runtime_finds_a_type_of_a_submodule_not_yet_imported() -> None:
    """The path of an object node hands back whose class Python has not imported yet: the
    runtime's own resolve (no node call for a class), fed the reference node would send."""
    code = (
        "import json, sys\n"
        "import tierform.constructs.databricks\n"
        "from jsii._kernel.types import ObjRef\n"
        "from jsii._reference_map import _refs\n"
        "before = 'cdktf_cdktf_provider_databricks.alert' in sys.modules\n"
        "obj = _refs.resolve(None, ObjRef(ref='@cdktf/provider-databricks.alert.Alert@10042'))\n"
        "print(json.dumps({'before': before, 'class': type(obj).__module__ + '.' +"
        " type(obj).__name__}))\n"
    )
    seen = _python(code)
    assert seen["before"] is False
    assert seen["class"] == "cdktf_cdktf_provider_databricks.alert.Alert"


@pytest.mark.parametrize("package", PACKAGES)
def test_the_jsii_name_rule_holds_for_every_submodule(package: str) -> None:
    """The runtime's FQN map is built by pacmak's naming rule (`sql_endpoint` is
    `sqlEndpoint`); every submodule's own classes say which jsii submodule they are in."""
    jsii_type = re.compile(r'jsii_type="@cdktf/provider-\w+\.(\w+)\.')
    wrong = {}
    for name in _declared_submodules(package):
        head = (_package_root(package) / name / "__init__.py").read_text(encoding="utf-8")
        found = jsii_type.search(head)
        assert found, f"{package}.{name} declares no jsii type"
        if found[1] != jsii_submodule(name):
            wrong[name] = found[1]
    assert not wrong


@pytest.mark.parametrize("config", [EXAMPLE_CONFIG, HELIX_CONFIG], ids=["example", "helix"])
def test_a_synth_writes_the_same_bytes_as_with_the_packages_imported_whole(
    config: Path, tmp_path: Path
) -> None:
    written = {}
    for lazy in ("1", "0"):
        outdir = tmp_path / f"out-{lazy}"
        result = run_synth(config, outdir, **{LAZY_VARIABLE: lazy})
        assert result.returncode == 0, result.stderr[-3000:]
        written[lazy] = {
            str(p.relative_to(outdir)): p.read_bytes() for p in sorted(outdir.rglob("*.json"))
        }
    assert written["1"] == written["0"]
    assert any(name.endswith("cdk.tf.json") for name in written["1"])
