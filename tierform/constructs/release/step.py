"""One release step of a tier: a `terraform_data` that runs the release CLI once per change.

Terraform's built-in `terraform_data` needs no provider (works offline). Its local-exec
provisioner runs only when the resource is created, i.e. on the first apply and whenever
`triggers_replace` changes; a failed run taints it, so the next apply retries.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from tierform.config.errors import CONFIG_VARIABLE
from tierform.constructs.addresses import chosen_address, set_address_prefix
from tierform.constructs.framework import (
    Construct,
    ITerraformDependable,
    LocalExecProvisioner,
)
from tierform.constructs.literal import literal
from tierform.constructs.props import CONFIG_FOLDER_PATTERN, ROOT_FALLBACK, ReleaseStepProps
from tierform.constructs.release.terraform_data import TerraformData
from tierform.constructs.tfgeneric import TypedResource

# local-exec runs in cdktf.out/stacks/<stack>: the repository root is three levels up.
# TIERFORM_ROOT / TIERFORM_PYTHON override both (e.g. a CI image with Python elsewhere).
# `$${` is Terraform's escape for a literal `${` (shell parameter expansion, not HCL).
PYTHON_FALLBACK = ".venv/bin/python"


def release_command(step: str, tier: str, root: str = ROOT_FALLBACK) -> str:
    """The shell command of a step; no machine path, so every checkout plans the same.
    `root`: the repository root relative to the stack folder (`stack_root`)."""
    return (
        f'cd "$${{TIERFORM_ROOT:-{root}}}" && '
        f'exec "$${{TIERFORM_PYTHON:-{PYTHON_FALLBACK}}}" -m tierform.release {step} --tier {tier}'
    )


def stack_root(outdir: str | Path, root: str | Path | None = None) -> str:
    """The working root (`root`, default the working directory; Tierform's app passes the
    platform's `work_root`, the git root) seen from a stack folder of `outdir` (relative to
    the working directory): `../../..` for cdktf.out at the root, one `..` more per level of
    a nested CDKTF_OUTDIR or of the folder the synth was started in (helix/cdktf.out →
    ../../../..). An outdir outside the root gets the default, never a machine path: there
    the step needs $TIERFORM_ROOT."""
    relative = inside_root(outdir, root)
    depth = len(relative.parts) if relative is not None else 0
    return "/".join([".."] * (depth + 2)) if depth else ROOT_FALLBACK


def release_config_folder(config_dir: str | Path, root: str | Path | None = None) -> str | None:
    """The config folder relative to the working root (`root`, as for `stack_root`), for
    the steps to load at apply; None when it is outside the root or not a plain path
    (CONFIG_FOLDER_PATTERN), where a machine path would make each checkout plan differently:
    the steps then read TIERFORM_CONFIG at apply, as before."""
    relative = inside_root(config_dir, root)
    if relative is None or not re.fullmatch(CONFIG_FOLDER_PATTERN, relative.as_posix()):
        return None
    return relative.as_posix()


def inside_root(path: str | Path, root: str | Path | None = None) -> Path | None:
    """`path` (relative to the working directory) relative to `root` (default the working
    directory), None when outside it."""
    base = Path(os.path.abspath(root or os.getcwd()))
    try:
        return Path(os.path.abspath(path)).relative_to(base)
    except ValueError:
        return None


class ReleaseStep(Construct):
    """`terraform_data.release_<step>` for one tier.

    `environment`: variables the command gets from the stack at apply time (e.g. the
    Astronomer deployment id, a resource attribute). Names and references only: credentials
    come from the deploying environment, never from the stack.
    Attributes: `resource` (the `terraform_data` block, constructs/release/terraform_data.py:
    to depend on), `address`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        props: ReleaseStepProps | None = None,
        *,
        step: str | None = None,
        tier: str | None = None,
        triggers: Mapping[str, str] | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
        environment: Mapping[str, str] | None = None,
    ):
        super().__init__(scope, id)
        if props is None:
            bad = {k: v for k, v in (triggers or {}).items() if not isinstance(v, str)}
            if bad:
                raise TypeError(f"triggers must map names to strings, got {bad!r}")
            props = ReleaseStepProps(
                step=step, tier=tier, triggers=dict(triggers or {}), environment=environment or {}
            )
        elif not isinstance(props, ReleaseStepProps):
            raise TypeError(f"expected ReleaseStepProps, got {type(props).__name__}")
        self.props = props
        set_address_prefix(self, props.address_prefix)
        step, tier, triggers, environment = (
            props.step,
            props.tier,
            props.triggers,
            props.environment,
        )
        if props.config is not None:
            # (a plain relative folder, CONFIG_FOLDER_PATTERN: nothing to escape)
            environment = {**environment, CONFIG_VARIABLE: props.config}
        self.resource = TypedResource(
            self,
            "step",
            TerraformData(
                # A flat map of names to hashes, in sorted order for a stable JSON.
                # (a dbt target name is config text: a literal, like every config string)
                triggers_replace={
                    **{literal(key): literal(triggers[key]) for key in sorted(triggers)},
                    # our own references (a variable, a resource id): evaluated, not escaped
                    **{
                        key: props.trigger_references[key]
                        for key in sorted(props.trigger_references)
                    },
                }
            ),
            depends_on=list(depends_on) or None,
            provisioners=[
                LocalExecProvisioner(
                    type="local-exec",
                    command=release_command(step, tier, props.root),
                    environment=dict(sorted(environment.items())) if environment else None,
                )
            ],
            address=f"release_{step.replace('-', '_')}",
        )
        self.address = chosen_address(self.resource)
