"""A tier's kind and protection, declared once in the platform file.

`tiers:` in platform.yaml lists the tiers in promotion order; an entry is a name or a
mapping that also declares what the tier is:

    tiers: [local, dev, staging, {name: prod, kind: prod, protected: true}]

Why here: platform.yaml is one file that code owners review. A tier file cannot lower its
own protection (`kind: staging` in prod.yaml is refused, naming both files). A plain name
that is a kind (`local`, `dev`, `staging`, `prod`) declares that kind, and `prod` is always
protected; any other plain name is an unprotected tier whose kind its own file gives. A
protected tier of another name must be declared with a mapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from pydantic import model_validator

from tierform.config.base import Spec
from tierform.config.tier import TierKind

TIER_KINDS: tuple[str, ...] = get_args(TierKind)


class TierEntry(Spec):
    """One entry of `tiers:`. A plain name is read as `{name: <name>}`."""

    name: str  # checked as a tier name by PlatformSpec.tiers
    kind: TierKind | None = None
    protected: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_name(cls, data: Any) -> Any:
        return {"name": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _prod_is_protected(self) -> TierEntry:
        if self.kind == "prod" and self.protected is False:
            raise ValueError("a prod tier is always protected; remove 'protected: false'")
        if self.protected is not None and self.kind is None:
            raise ValueError(
                f"declare the kind with the protection: {{name: {self.name}, kind: …}}"
            )
        return self


@dataclass(frozen=True)
class Declaration:
    """What the platform file says a tier is. `kind` None: the tier file gives it."""

    kind: str | None
    protected: bool
    explicit: bool  # written as a mapping (else implied by a plain name)


def declaration(entry: TierEntry) -> Declaration:
    if entry.kind is not None:
        return Declaration(entry.kind, entry.kind == "prod" or bool(entry.protected), True)
    if entry.name in TIER_KINDS:
        return Declaration(entry.name, entry.name == "prod", False)
    return Declaration(None, False, False)


def contradictions(
    name: str, index: int, decl: Declaration, tier_file: dict[str, Any], platform_file: str
) -> list[tuple[str, str]]:
    """(field, message) for each of the tier file's own `kind`/`protected` that disagrees
    with the platform file's declaration of the tier."""
    where = f"{platform_file} tiers.{index}"
    how = (
        f"{{name: {name}, kind: …, protected: …}}" if not decl.explicit else f"that entry ({where})"
    )
    problems = []
    kind = tier_file.get("kind")
    if decl.kind is not None and kind is not None and kind != decl.kind:
        problems.append(
            (
                "kind",
                f"{kind!r} contradicts {where}, which makes {name!r} a {decl.kind} tier; a "
                f"tier's kind and protection are declared in {platform_file} only (change "
                f"{how} there, or remove this key)",
            )
        )
    protected = tier_file.get("protected")
    if decl.kind == "prod" and protected is False:
        problems.append(("protected", "a prod tier is always protected; remove 'protected: false'"))
    elif protected is not None and protected != decl.protected:
        problems.append(
            (
                "protected",
                f"{str(protected).lower()} contradicts {where} (protected: {str(decl.protected).lower()}); "
                f"a tier's protection is declared in {platform_file} only: write {how} there",
            )
        )
    if decl.kind is None and kind == "prod":
        problems.append(
            (
                "kind",
                f"a prod tier is declared in {platform_file}: write "
                f"{{name: {name}, kind: prod, protected: true}} in its `tiers` list",
            )
        )
    return problems
