"""What every Airflow flavor spec shares: the `flavor` tag, the tier's naming rule, and an
unknown-key message that says when a key belongs to another flavor."""

from __future__ import annotations

import difflib
from typing import Any, ClassVar

from pydantic import PrivateAttr, model_validator
from pydantic_core import PydanticCustomError

from tierform.config.base import Spec
from tierform.config.naming import NamingRule

# flavor → its keys; filled as flavor classes are defined (see FlavorSpec.__init_subclass__)
_FLAVOR_KEYS: dict[str, list[str]] = {}


class FlavorSpec(Spec):
    """Base of the per-flavor models. `flavor_name` is the value of the `flavor` tag."""

    flavor_name: ClassVar[str]
    # Bound by TierSpec after validation: cloud resource names follow the tier's naming rule,
    # while `dag_target(tier)` keeps the shared signature (tier name only).
    _naming: NamingRule | None = PrivateAttr(default=None)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "flavor_name" in cls.__dict__:
            _FLAVOR_KEYS[cls.flavor_name] = list(cls.model_fields)

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        allowed = list(cls.model_fields)
        for key in data:
            if key in allowed:
                continue
            owners = [f for f, keys in _FLAVOR_KEYS.items() if key in keys and f != cls.flavor_name]
            if owners:
                raise PydanticCustomError(
                    "unknown_key",
                    "{quoted} belongs to flavor {owners}, not {flavor}; flavors' settings do "
                    "not mix (when a tier changes flavor, write its whole airflow section)",
                    {
                        "key": str(key),
                        "quoted": repr(str(key)),
                        "owners": " or ".join(map(repr, owners)),
                        "flavor": repr(cls.flavor_name),
                    },
                )
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise PydanticCustomError(
                "unknown_key",
                "unknown key for flavor {flavor}; {hint}expected one of: {allowed}",
                {
                    "key": str(key),
                    "hint": hint,
                    "allowed": ", ".join(allowed),
                    "flavor": repr(cls.flavor_name),
                },
            )
        return data

    def bind_naming(self, naming: NamingRule) -> None:
        self._naming = naming

    def physical_name(self, logical: str, tier: str) -> str:
        """A cloud resource name from the tier's naming rule for cloud resources
        (`naming.cloud_pattern`), lower-case with hyphens: valid for S3 buckets (no upper
        case, no `_`) and MWAA/Astronomer names alike."""
        rule = self._naming or NamingRule()
        return rule.apply_cloud(logical, tier)
