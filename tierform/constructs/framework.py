"""The framework seam: every import of cdktf (or of its maintained fork, CDK Terrain) and of
`constructs` in Tierform goes through this module.

cdktf 0.21 is the default. CDK Terrain (`cdktn`, a rename of cdktf with the same API) is an
optional extra (`pip install 'tierform[cdktn]'`); it is used when `TIERFORM_FRAMEWORK=cdktn`,
or when cdktf is not installed. Constructs of both frameworks cannot meet in one app: a stack
and everything in it come from the framework chosen here, once per process.
"""

from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from typing import TYPE_CHECKING

from constructs import Construct, IConstruct

FRAMEWORKS = ("cdktf", "cdktn")
FRAMEWORK_VARIABLE = "TIERFORM_FRAMEWORK"


class FrameworkChoiceError(ImportError):
    """TIERFORM_FRAMEWORK names no framework, or one that is not installed (bad input)."""


def _choose() -> str:
    wanted = os.environ.get(FRAMEWORK_VARIABLE, "").strip()
    if wanted:
        if wanted not in FRAMEWORKS:
            raise FrameworkChoiceError(
                f"{FRAMEWORK_VARIABLE}={wanted[:40]!r}: expected one of {', '.join(FRAMEWORKS)}"
            )
        if find_spec(wanted) is None:
            extra = "tierform[cdktn] (or use .venv-cdktn)" if wanted == "cdktn" else "tierform"
            raise FrameworkChoiceError(
                f"{FRAMEWORK_VARIABLE}={wanted}: {wanted} is not installed here; install {extra}"
            )
        return wanted
    return "cdktf" if find_spec("cdktf") is not None or find_spec("cdktn") is None else "cdktn"


FRAMEWORK = _choose()

if TYPE_CHECKING or FRAMEWORK == "cdktf":
    from cdktf import (
        Annotations,
        App,
        Aspects,
        CloudBackend,
        DataResource,
        DefaultTokenResolver,
        GcsBackend,
        IAspect,
        ITerraformDependable,
        ITerraformIterator,
        LocalBackend,
        LocalExecProvisioner,
        NamedCloudWorkspace,
        S3Backend,
        StringConcat,
        TerraformDataSource,
        TerraformIterator,
        TerraformOutput,
        TerraformProvider,
        TerraformProviderGeneratorMetadata,
        TerraformResource,
        TerraformResourceLifecycle,
        TerraformStack,
        TerraformVariable,
        TerraformVariableValidationConfig,
        Testing,
        Token,
        Tokenization,
    )
else:
    from cdktn import (
        Annotations,
        App,
        Aspects,
        CloudBackend,
        DataResource,
        DefaultTokenResolver,
        GcsBackend,
        IAspect,
        ITerraformDependable,
        ITerraformIterator,
        LocalBackend,
        LocalExecProvisioner,
        NamedCloudWorkspace,
        S3Backend,
        StringConcat,
        TerraformDataSource,
        TerraformIterator,
        TerraformOutput,
        TerraformProvider,
        TerraformProviderGeneratorMetadata,
        TerraformResource,
        TerraformResourceLifecycle,
        TerraformStack,
        TerraformVariable,
        TerraformVariableValidationConfig,
        Testing,
        Token,
        Tokenization,
    )


def framework_version() -> str:
    """`cdktf 0.21.0` or `cdktn 0.24.0`: what synthesized this process's stacks."""
    try:
        return f"{FRAMEWORK} {version(FRAMEWORK)}"
    except PackageNotFoundError:  # pragma: no cover - an uninstalled source checkout
        return FRAMEWORK


__all__ = [
    "FRAMEWORK",
    "FRAMEWORKS",
    "Annotations",
    "App",
    "Aspects",
    "CloudBackend",
    "Construct",
    "DataResource",
    "DefaultTokenResolver",
    "GcsBackend",
    "IAspect",
    "IConstruct",
    "ITerraformDependable",
    "ITerraformIterator",
    "LocalBackend",
    "LocalExecProvisioner",
    "NamedCloudWorkspace",
    "S3Backend",
    "StringConcat",
    "TerraformDataSource",
    "TerraformIterator",
    "TerraformOutput",
    "TerraformProvider",
    "TerraformProviderGeneratorMetadata",
    "TerraformResource",
    "TerraformResourceLifecycle",
    "TerraformStack",
    "TerraformVariable",
    "TerraformVariableValidationConfig",
    "Testing",
    "Token",
    "Tokenization",
    "framework_version",
]
