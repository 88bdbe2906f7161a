"""One line per mistake, in the file that made it, naming the tier it breaks.

Every tier is validated on its own (its chain of `extends` files merged), so a mistake in
prod.yaml shows up once per tier that extends prod, and a `null` in qa.yaml that removes
what prod.yaml's roles still use shows up as "unknown database" lines in prod.yaml. This
module turns the per-tier findings into what the user has to fix:

- a reference to a name that a child's `null` removed is reported at that `null`, in the
  child's file, naming the references that still need it (and where they come from);
- the same file and field reported by several tiers is one line; when it breaks a tier
  other than the file's own (an inherited value that only fails in a child), the line says
  which tiers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from tierform.config.error_format import join_path
from tierform.config.errors import ConfigIssue
from tierform.config.merge import NOT_INHERITED, Layer, deep_merge
from tierform.config.paths import child, is_missing

FieldPath = tuple[str | int, ...]


class UnknownName(str):
    """The message of a reference to an undeclared name, which also knows where that name
    would be declared (`target`, a field path) and what it is (`kind`)."""

    target: FieldPath
    kind: str

    def __new__(cls, message: str, *, target: Sequence[str | int], kind: str) -> UnknownName:
        made = super().__new__(cls, message)
        made.target, made.kind = tuple(target), kind
        return made


def unknown_name(
    kind: str, name: str, known: Any, *, declared_at: Sequence[str | int]
) -> UnknownName:
    """`'X' is not a declared <kind> (declared: …)`, knowing it is declared at declared_at.X."""
    listed = ", ".join(sorted(known))
    declared = f"declared: {listed}" if listed else f"no {kind} is declared"
    return UnknownName(
        f"{name!r} is not a declared {kind} ({declared})",
        target=[*declared_at, name],
        kind=kind,
    )


def removals(chain: Sequence[Layer]) -> dict[FieldPath, str]:
    """Field path → file, for every `key: null` that removes something a parent declared."""
    found: dict[FieldPath, str] = {}
    for index, layer in enumerate(chain):
        inherited: dict[str, Any] = {}
        for parent in reversed(chain[index + 1 :]):
            kept = {k: v for k, v in inherited.items() if k not in NOT_INHERITED}
            inherited = deep_merge(kept, parent.data)
        for path in _nulls(layer.data, ()):
            if path not in found and _exists(inherited, path):
                found[path] = layer.file
    return found


def _nulls(data: Any, prefix: FieldPath) -> Iterator[FieldPath]:
    if isinstance(data, dict):
        for key, value in data.items():
            if value is None:
                yield (*prefix, key)
            else:
                yield from _nulls(value, (*prefix, key))


def _exists(data: Any, path: FieldPath) -> bool:
    current = data
    for step in path:
        current = child(current, step)
        if is_missing(current):
            return False
    return True


@dataclass
class _Removal:
    """One `null` that took away a name references still use."""

    file: str
    target: FieldPath
    kind: str
    referrers: dict[tuple[str, str | None], str] = field(default_factory=dict)


def _referrer(path: Sequence[str | int]) -> tuple[str, str | None]:
    """(what refers, its name): `snowflake.roles.LOADER.databases.RAW` → ("roles", "LOADER")."""
    labels = {"roles": "roles", "service_users": "service users", "jobs": "jobs"}
    if len(path) > 2 and path[1] in labels:
        return labels[str(path[1])], str(path[2])
    if len(path) > 1 and path[1] == "sandboxes":
        return "the sandboxes", None
    return join_path(path), None


class Attribution:
    """Collects each tier's findings; `issues()` gives one line per mistake."""

    def __init__(self) -> None:
        self._found: list[tuple[str, str, ConfigIssue]] = []  # (tier, tier's own file, issue)
        self._removals: dict[tuple[str, FieldPath], _Removal] = {}
        self._tier_files: set[str] = set()

    def add(self, tier: str, own_file: str, issues: Sequence[ConfigIssue]) -> None:
        self._found.extend((tier, own_file, issue) for issue in issues)
        self._tier_files.add(own_file)

    def removed_reference(
        self,
        removed: dict[FieldPath, str],
        path: Sequence[str | int],
        message: str,
        referrer_file: str,
    ) -> bool:
        """Record `message` (about `path`) as the consequence of a `null`, if it is one."""
        if not isinstance(message, UnknownName) or message.target not in removed:
            return False
        file = removed[message.target]
        entry = self._removals.setdefault(
            (file, message.target), _Removal(file, message.target, message.kind)
        )
        entry.referrers.setdefault(_referrer(path), referrer_file)
        return True

    def issues(self) -> list[ConfigIssue]:
        lines = [self._removal_issue(r) for r in self._removals.values()]
        groups: dict[tuple[str, str], list[tuple[str, str, ConfigIssue]]] = {}
        for found in self._found:
            groups.setdefault((found[2].file, found[2].path), []).append(found)
        for (file, path), found in groups.items():
            tiers = list(dict.fromkeys(tier for tier, _, _ in found))
            own = [tier for tier, own_file, _ in found if own_file == file]
            # The file's own tier says it best; otherwise the first tier it breaks.
            chosen = own[0] if own else tiers[0]
            # platform.yaml findings differ per tier on purpose (a naming rule and a tier name).
            shared = file not in self._tier_files
            messages = dict.fromkeys(i.message for t, _, i in found if shared or t == chosen)
            suffix = "" if own or shared else _breaks(tiers)
            lines.extend(ConfigIssue(file, path, m + suffix) for m in messages)
        return lines

    @staticmethod
    def _removal_issue(removal: _Removal) -> ConfigIssue:
        by_label: dict[str, list[str]] = {}
        files: list[str] = []
        for (label, name), file in removal.referrers.items():
            names = by_label.setdefault(label, [])
            if name is not None and name not in names:
                names.append(name)
            if file != removal.file and file not in files:
                files.append(file)
        users = " and ".join(
            f"{label} {', '.join(names)}" if names else label for label, names in by_label.items()
        )
        where = f" (inherited from {', '.join(PurePath(f).name for f in files)})" if files else ""
        return ConfigIssue(
            removal.file,
            join_path(removal.target),
            f"null removes a {removal.kind} that {users}{where} still use",
        )


def _breaks(tiers: list[str]) -> str:
    names = ", ".join(tiers)
    return f" (breaks tier{'s' if len(tiers) > 1 else ''} {names}, which inherit{'' if len(tiers) > 1 else 's'} it)"
