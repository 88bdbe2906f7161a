"""Build the cdktf App for a selection of stacks and synthesize it atomically."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tierform.config.platform import PlatformConfig, SandboxRef
from tierform.config.tier import TierSpec
from tierform.constructs import map_bypass
from tierform.constructs.framework import App
from tierform.constructs.map_bypass import MapBypass
from tierform.constructs.release.step import inside_root, release_config_folder, stack_root
from tierform.release.triggers import tier_triggers
from tierform.stacks import guardrails
from tierform.stacks.guardrails import GuardrailViolation
from tierform.stacks.map_splice import splice_outdir
from tierform.stacks.outdir import check_replaceable
from tierform.stacks.sandbox_stack import SandboxStack
from tierform.stacks.template_check import check_synthesized
from tierform.stacks.tier_stack import TierStack

# What Terraform and the cdktf CLI leave in a stack directory, kept across synths: the
# init state (so the next plan does not re-initialize) and the plan `cdktf diff` saves
# (`terraform plan -out plan`), which stays until the next `cdktf diff` of that stack
# replaces it, so a reviewed-plan apply or `terraform show` can still read it.
_CARRIED = (".terraform", ".terraform.lock.hcl", "plan")


def build_app(
    platform: PlatformConfig,
    outdir: str | Path,
    tiers: Sequence[TierSpec],
    sandboxes: Sequence[SandboxRef],
    *,
    bypass: MapBypass | None = None,
) -> App:
    """The app of these stacks. With `bypass`, their for_each maps go to it instead of
    through cdktf (constructs/map_bypass.py): the caller must `splice_outdir` after synth.
    Their guardrails are not Aspects: the caller runs them on the synthesized JSON
    (`guardrail_violations`), which spares node a callback per construct."""
    app = App(outdir=str(outdir), stack_traces=False)
    # The stacks point at the working root (where `.tierform/` and `.venv` are), whichever
    # folder the synth was started in; a nested CDKTF_OUTDIR puts the stacks deeper.
    work_root = platform.work_root
    root = stack_root(outdir, work_root)
    config_folder = release_config_folder(platform.config_dir, work_root)
    # Local state has no relative way back from an output folder outside the root: its
    # path is then the root's, written out. Such a stack is one machine's anyway (a tier
    # CI deploys may not keep local state), and the state stays the one `.tierform/state`.
    state_root = root if inside_root(outdir, work_root) is not None else str(work_root)
    with map_bypass.collecting(bypass), guardrails.after_synth():
        for tier in tiers:
            # Release triggers hash files of the repository: computed here, not in a construct.
            TierStack(
                app,
                tier,
                release=tier_triggers(platform, tier),
                dbt_cloud=platform.dbt_cloud_environment(tier),
                release_root=root,
                release_config=config_folder,
                state_root=state_root,
            )
        for sandbox in sandboxes:
            SandboxStack(app, sandbox, root=state_root)
    return app


def synthesize_atomically(
    platform: PlatformConfig,
    outdir: Path,
    tiers: Sequence[TierSpec],
    sandboxes: Sequence[SandboxRef],
    *,
    leave_dropped_stacks: bool = False,
) -> dict[str, dict[str, Any]]:
    """Synthesize into a sibling temp folder, then swap it in; returns each stack's JSON
    (by stack name) as written, already parsed for the check, so the summary need not
    read 50,000 instances again.

    A synth that fails (an aspect error, a bug) leaves the previous output exactly as it
    was, and a reader (cdktf CLI, the policy gate) never sees a half-written folder.

    A stack of the previous output that this synth does not produce (a subset synth) is
    dropped, as the cdktf CLI drops it. `leave_dropped_stacks` is for runs launched by the
    CLI: it lists the stack folders before it runs the app and then `rmSync`s each one
    missing from the new manifest itself, so each must still be there (or it fails with
    ENOENT); the CLI removes them a moment later.
    """
    outdir = outdir.absolute()
    check_replaceable(outdir)  # never replace (delete) a folder that is not a synth's output
    # `CDKTF_OUTDIR=build/tf/cdktf.out` on a fresh runner: the cdktf CLI creates the
    # parents of its output folder, so must we (the temp folder is made beside it).
    outdir.parent.mkdir(parents=True, exist_ok=True)
    tmp = outdir.with_name(f".{outdir.name}.tmp-{os.getpid()}")
    old = outdir.with_name(f".{outdir.name}.old-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        bypass = MapBypass() if map_bypass.enabled() else None
        app = build_app(platform, tmp, tiers, sandboxes, bypass=bypass)
        app.synth()
        parsed: dict[str, dict[str, Any]] = {}
        if bypass is not None:
            # Before any reader: the checks below, then everything that reads the swapped-in
            # folder (CLI, gate, triggers, tfcheck) sees the real maps.
            parsed = splice_outdir(tmp, bypass)
        foreign = check_synthesized(
            tmp, parsed, template_free=bypass.template_free_ids() if bypass else ()
        )
        violations = guardrail_violations(app, parsed)
        if violations:
            raise GuardrailViolation(violations)
        if foreign:
            raise GuardrailViolation(foreign)
        _carry_stack_state(outdir, tmp, leave_dropped_stacks=leave_dropped_stacks)
        if outdir.exists():
            outdir.rename(old)
        tmp.rename(outdir)
        return parsed
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def guardrail_violations(app: App, parsed: dict[str, dict[str, Any]]) -> list[str]:
    """Each stack's guardrails (stacks/guardrails.py) over its synthesized JSON, by stack."""
    found = []
    for stack in app.node.children:
        rails = getattr(stack, "guardrails", None)
        stack_json = parsed.get(stack.node.id)
        if rails is not None and stack_json is not None:
            found += rails.check_stack(stack_json)
    return found


def _carry_stack_state(previous: Path, fresh: Path, *, leave_dropped_stacks: bool) -> None:
    stacks = previous / "stacks"
    if not stacks.is_dir():
        return
    for stack_dir in stacks.iterdir():
        if not stack_dir.is_dir():
            continue
        target = fresh / "stacks" / stack_dir.name
        if not target.is_dir():
            if leave_dropped_stacks:
                target.parent.mkdir(parents=True, exist_ok=True)
                stack_dir.rename(target)  # not in the new manifest: the CLI removes it
            continue
        for name in _CARRIED:
            source = stack_dir / name
            if source.exists() or source.is_symlink():
                source.rename(target / name)
