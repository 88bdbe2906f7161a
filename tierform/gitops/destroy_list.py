"""The plan summary's destroy/replace list: never cut, only written more densely.

GitHub rejects comments over 65,536 characters, and a plan can destroy tens of thousands
of instances (a schema block's map emptied by mistake). The list goes into the comment at
the first level that fits:

1. `lines`: one line per resource, with why it is replaced;
2. `tiers`: one line per tier listing every address;
3. `blocks`: per tier, each resource block (`snowflake_schema.schemas`) with its count;
4. `types`: per tier, each resource type with its count.

Levels 3 and 4 cannot name every instance, so the comment then says so in bold and points
to the complete list, which `tierform plan-summary -o FILE` always writes beside FILE
(`full_list_path`) and pr.yml uploads with the run.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from tierform.gitops.markdown import code, short_hash
from tierform.gitops.plan_model import Plan, ResourceChange

LEVELS = ("lines", "tiers", "blocks", "types")
# Levels whose comment names every address.
COMPLETE_LEVELS = ("lines", "tiers")

Listed = list[tuple[str, ResourceChange]]  # (tier, resource change)


@dataclass(frozen=True)
class Doomed:
    destroyed: Listed
    replaced: Listed  # release steps excluded: they are replaced by design

    @property
    def empty(self) -> bool:
        return not self.destroyed and not self.replaced


def doomed(plans: list[tuple[str, Plan | None]]) -> Doomed:
    """What the plans destroy and replace; (tier, None) for a tier without a usable plan."""
    plans = [(tier, plan) for tier, plan in plans if plan is not None]
    return Doomed(
        [(tier, r) for tier, plan in plans for r in plan.with_action("destroy")],
        [
            (tier, r)
            for tier, plan in plans
            for r in plan.with_action("replace")
            if not r.is_release_step
        ],
    )


def full_list_path(output: Path) -> Path:
    """Where the complete list is written beside the comment `output`."""
    return output.with_name(f"{output.stem}.destroys.md")


def section(found: Doomed, level: str) -> list[str]:
    """The comment's lines for the destroyed and the replaced resources at `level`."""
    lines: list[str] = []
    if found.destroyed:
        lines.append(f"**🗑️ {len(found.destroyed):,} resource(s) will be DESTROYED:**")
        lines += _listed(found.destroyed, level, reasons=False)
        lines.append("")
    if found.replaced:
        lines.append(
            f"**♻️ {len(found.replaced):,} resource(s) will be REPLACED (destroyed, then created):**"
        )
        lines += _listed(found.replaced, level, reasons=True)
        lines.append("")
    return lines


def _listed(changes: Listed, level: str, *, reasons: bool) -> list[str]:
    if level == "lines":
        return [
            f"- **{tier}**: **{code(r.address)}**{why_replaced(r) if reasons else ''}"
            for tier, r in changes
        ]
    if level == "tiers":  # reasons are in the per-tier detail
        return [
            f"- **{tier}** ({len(group):,}): " + ", ".join(code(r.address) for r in group)
            for tier, group in _by_tier(changes).items()
        ]
    key = (lambda r: _block(r.address)) if level == "blocks" else (lambda r: r.type)
    lines = []
    for tier, group in _by_tier(changes).items():
        counts = Counter(key(r) for r in group)
        listed = ", ".join(f"{code(name)} ({n:,})" for name, n in counts.items())
        lines.append(f"- **{tier}** ({len(group):,}): {listed}")
    return lines


def _by_tier(changes: Listed) -> dict[str, list[ResourceChange]]:
    by_tier: dict[str, list[ResourceChange]] = defaultdict(list)
    for tier, r in changes:
        by_tier[tier].append(r)
    return by_tier


def _block(address: str) -> str:
    """The resource block of an instance: its address without the for_each/count indexes,
    of the resource and of its modules (`module.m["a"].snowflake_schema.s["A.B"]` →
    `module.m.snowflake_schema.s`). A quoted key may hold anything, `]` and `"` included."""
    out: list[str] = []
    i = 0
    while i < len(address):
        if address[i] == "[":
            i = _index_end(address, i)
        else:
            out.append(address[i])
            i += 1
    return "".join(out)


def _index_end(address: str, start: int) -> int:
    """The position just after the `[...]` that opens at `start`."""
    quoted = False
    i = start + 1
    while i < len(address):
        ch = address[i]
        if quoted and ch == "\\":
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        elif ch == "]" and not quoted:
            return i + 1
        i += 1
    return len(address)


def incomplete_notice(found: Doomed, where: str | None, max_chars: int) -> list[str]:
    """Said when the comment cannot name every address (levels `blocks` and `types`)."""
    total = len(found.destroyed) + len(found.replaced)
    place = (
        f"the complete list is in {where}"
        if where
        else "`tierform plan-summary -o FILE` writes the complete list beside FILE"
    )
    return [
        f"**Not every address fits in this comment** ({total:,} destroyed or replaced; the "
        f"comment is kept under {max_chars:,} characters, GitHub refuses more than 65,536): "
        f"counts per resource block or type above; {place}.",
        "",
    ]


def full_list(found: Doomed, title: str) -> str:
    """The complete list as Markdown: every destroyed and replaced address, with why."""
    lines = [f"# {title}: destroyed and replaced resources", ""]
    if found.empty:
        lines += ["No resource other than a release step is destroyed or replaced.", ""]
    lines += section(found, "lines")
    return "\n".join(lines)


def why_replaced(r: ResourceChange) -> str:
    if r.trigger_changes:
        return " — " + trigger_text(r)
    if r.replace_paths:
        return " — forced by " + ", ".join(code(p) for p in r.replace_paths)
    if r.reason:
        return f" — {r.reason.replace('_', ' ')}"
    return ""


def trigger_text(r: ResourceChange) -> str:
    """Which `triggers_replace` keys changed, before → after (hashes shortened)."""
    changed = [
        f"{code(tc.key)} {short_hash(tc.before) if tc.before is not None else '(new)'} → "
        f"{short_hash(tc.after) if tc.after is not None or tc.before is None else '(removed)'}"
        for tc in r.trigger_changes
    ]
    return "changed " + "; ".join(changed)
