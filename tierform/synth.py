"""`python main.py` (what cdktf runs): validate all configuration, then synthesize.

Configuration is loaded and checked before cdktf is even imported: bad input fails in a
fraction of a second with exit code 2 and leaves cdktf.out untouched.
"""

from __future__ import annotations

import gc
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

from tierform.config import EXIT_BAD_INPUT, ConfigError, ConfigIssue, PlatformConfig, load_platform
from tierform.config.errors import CONFIG_VARIABLE
from tierform.config.platform import SandboxRef
from tierform.config.tier import TierSpec
from tierform.guard import one_line
from tierform.stacks.outdir import OutdirError, check_replaceable, configured_outdir

SELECT_VARIABLE = "TIERFORM_TIERS"
# Set by the cdktf CLI (cli-core synth-stack.js) only when it runs the app itself, the
# path on which it later removes stack folders missing from the new manifest.
CDKTF_CLI_SYNTH_VARIABLE = "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS"
EXIT_GUARDRAIL = 1
_ANNOTATION = re.compile(r"^\[(?P<path>[^\]]+)\] (?P<message>.+)$")


def annotation_errors(message: str) -> list[str]:
    """`<construct path>: <message>` for each ERROR annotation in cdktf's synth error."""
    if "Encountered Annotations" not in message:
        return []
    found = []
    for line in message.splitlines():
        match = _ANNOTATION.match(line.strip())
        if match:
            found.append(f"{match['path']}: {match['message']}")
    return found


# cdktf's construct validations fail `app.synth()` with one RuntimeError listing
# `\n  [<construct path>] <error>` per error. Those that check for a binary (its HCP Terraform
# `cloud` backend runs `terraform version`) are about this machine, not the app: said as such.
# Any other validation error (a resource without its provider...) is a bug, left to the guard.
_VALIDATION = "Validation failed with the following errors:"
_VALIDATION_ITEM = re.compile(r"\n  \[(?P<path>[^\]\s]+)\] ")  # cdktf's own join
_VALIDATION_HINT = "If you wish to ignore these validations"
_BINARY_CHECKS = ("Could not determine version of ", "is lower than the required version")


def validation_errors(message: str) -> list[str]:
    """`<construct path>: <error>` for each error of cdktf's failed construct validation when
    every one is a missing or too old binary; otherwise (or for another error) empty."""
    if _VALIDATION not in message:
        return []
    body = message.split(_VALIDATION, 1)[1].split(_VALIDATION_HINT, 1)[0]
    parts = _VALIDATION_ITEM.split(body)
    errors = list(zip(parts[1::2], parts[2::2], strict=True))
    if not errors or not all(any(c in text for c in _BINARY_CHECKS) for _, text in errors):
        return []
    return [one_line(f"{path}: {text}", 400) for path, text in errors]


def select(
    platform: PlatformConfig, selection: str | None
) -> tuple[list[TierSpec], list[SandboxRef]]:
    """Stacks to synthesize. `selection` is a comma list of tier names (a tier brings its
    sandboxes along) or sandbox stack names; empty means everything."""
    if not selection or not selection.strip():
        return list(platform.tiers.values()), platform.sandboxes
    wanted = [part.strip() for part in selection.split(",") if part.strip()]
    if not wanted:  # `,`: a selection of nothing would leave cdktf.out without any stack
        raise ConfigError(
            [
                ConfigIssue(
                    f"${SELECT_VARIABLE}", "", f"{selection!r} names no tier or sandbox stack"
                )
            ]
        )
    by_stack = {s.stack: s for s in platform.sandboxes}
    tiers: list[TierSpec] = []
    sandboxes: list[SandboxRef] = []
    for name in wanted:
        if name in platform.tiers:
            tiers.append(platform.tiers[name])
            sandboxes.extend(s for s in platform.sandboxes if s.tier.name == name)
        elif name in by_stack:
            sandboxes.append(by_stack[name])
        else:
            raise ConfigError(
                [
                    ConfigIssue(
                        f"${SELECT_VARIABLE}",
                        "",
                        f"{name!r} is not a tier or sandbox stack "
                        f"(stacks: {', '.join(platform.stack_names)})",
                    )
                ]
            )
    # Keep promotion order and drop repeats, whatever order the user typed.
    tiers = [t for t in platform.tiers.values() if t in tiers]
    sandboxes = [s for s in platform.sandboxes if s in sandboxes]
    return tiers, sandboxes


def count_resources(stack_json: dict) -> Counter[str]:
    """Resource instances by type; a for_each over a literal map counts each key."""
    counts: Counter[str] = Counter()
    for rtype, blocks in stack_json.get("resource", {}).items():
        for block in blocks.values():
            for_each = block.get("for_each")
            counts[rtype] += len(for_each) if isinstance(for_each, dict) else 1
    return counts


def summarize(
    outdir: Path, stacks: list[str], seconds: float, parsed: dict[str, dict] | None = None
) -> str:
    """The synth's summary; a stack in `parsed` (its JSON, already read) is not read again."""
    lines = [f"tierform: synthesized {len(stacks)} stack(s) into {outdir} in {seconds:.1f} s"]
    width = max((len(s) for s in stacks), default=0)
    for stack in stacks:
        data = (parsed or {}).get(stack)
        if data is None:
            data = json.loads((outdir / "stacks" / stack / "cdk.tf.json").read_text())
        counts = count_resources(data)
        detail = ", ".join(f"{t} {n}" for t, n in sorted(counts.items())) or "no resources"
        lines.append(f"  {stack:<{width}}  {sum(counts.values()):>5} resources  {detail}")
    return "\n".join(lines)


def launched_by_cdktf_cli() -> bool:
    return os.environ.get(CDKTF_CLI_SYNTH_VARIABLE) == "true"


def main() -> int:
    # Python's cyclic GC re-scans every live object each time enough new ones pile up: the
    # jsii bindings' imports and a 50k-instance config hold millions, so at 50k it costs
    # ~1.9 s CPU of a ~8 s synth (~1.2 s of it during imports). A synth is one short pass
    # that makes almost no cyclic garbage (peak RSS +1%), so it runs without it; the state
    # is restored for callers that run main() in their own process (tests).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _main()
    finally:
        if was_enabled:
            gc.enable()


def _main() -> int:
    started = time.monotonic()
    config_dir = Path(os.environ.get(CONFIG_VARIABLE) or "config")
    outdir = configured_outdir()
    try:
        check_replaceable(outdir.absolute())
    except OutdirError as exc:
        print(f"tierform synth: {one_line(exc, 600)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        platform = load_platform(config_dir)
        tiers, sandboxes = select(platform, os.environ.get(SELECT_VARIABLE))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT

    # jsii prints a multi-line Node end-of-life banner on every run under Node 20 (which
    # cdktf 0.21 supports); it says nothing about this synth, so keep stderr readable.
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    try:
        from tierform.stacks.app import synthesize_atomically  # imports cdktf (~2 s)
        from tierform.stacks.guardrails import GuardrailViolation
    except ImportError as exc:
        # TIERFORM_FRAMEWORK names a framework that is not there: bad input, one line. (By
        # name: the class lives in the module whose import just failed.)
        if type(exc).__name__ != "FrameworkChoiceError":
            raise
        print(f"tierform synth: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT

    try:
        parsed = synthesize_atomically(
            platform, outdir, tiers, sandboxes, leave_dropped_stacks=launched_by_cdktf_cli()
        )
    except (GuardrailViolation, RuntimeError) as exc:
        refused = validation_errors(str(exc))
        if refused:
            # Not a bug of the app: a binary a construct checks for is missing or too old
            # here (Terraform on PATH for cdktf's `cloud` backend). This run cannot: exit 2.
            _report(
                f"tierform synth: cdktf's validation failed ({len(refused)} error(s): a tool "
                f"it checks for is missing or too old); {outdir} left as it was:",
                refused,
            )
            return EXIT_BAD_INPUT
        violations = (
            exc.violations if isinstance(exc, GuardrailViolation) else annotation_errors(str(exc))
        )
        if not violations:
            raise
        _report(
            f"tierform: synth refused by {len(violations)} guardrail violation(s); "
            f"{outdir} left as it was:",
            violations,
        )
        return EXIT_GUARDRAIL
    names = [t.name for t in tiers] + [s.stack for s in sandboxes]
    print(summarize(outdir, names, time.monotonic() - started, parsed), file=sys.stderr)
    return 0


def _report(heading: str, lines: list[str]) -> None:
    print(heading, file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)
