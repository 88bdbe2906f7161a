"""Terraform addresses of Tierform's blocks: readable, stable, and never silently shared.

Our resources, variables and outputs get addresses chosen by us (`snowflake_database.databases`,
`terraform_data.release_dbt`), not by construct path, so state addresses survive refactors.
The price: two constructs asking for one address in one stack would be merged by cdktf into
one JSON block without a word. So every chosen address is claimed here, per stack, and a
second claim fails with the construct paths of both claimants.

A construct that should appear twice in one stack gets an `address_prefix` (its props):
`set_address_prefix(construct, "analytics")` makes every address chosen below it
`analytics_<name>` and every provider alias below it `analytics_<alias>`. Without a prefix
addresses are exactly what they always were (the single-instance stacks' state is unchanged).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from tierform.constructs.address_check import check_stack
from tierform.constructs.framework import IConstruct, TerraformDataSource, TerraformStack
from tierform.constructs.props import check_address_prefix

E = TypeVar("E", bound=IConstruct)
Init = TypeVar("Init", bound=Callable[..., None])

_CONTEXT = "tierform:address_prefix"
_CLAIMS = "_tierform_address_claims"
# Whether any construct of this process was given a prefix. Until one is, no lookup can find
# one, and each lookup is two jsii round trips (~1 ms) per block: most apps never set one.
_PREFIX_SET = False
# The (resource type, logical id) stable_address gave a block, on the block's Python object:
# `instance_attribute` (constructs/foreach.py) would otherwise read both back from node (two
# round trips per reference). Both are fixed once set: cdktf refuses to override a logical id
# after it is read, and `friendlyUniqueId` is the override from then on.
ADDRESS = "_tierform_address"
# The stack whose constructor is running (`stack_constructor`): what a claim made meanwhile
# belongs to, known without `TerraformStack.of` (a round trip per block, 105 at 50k).
_BUILDING: ContextVar[Any] = ContextVar("tierform_building_stack", default=None)


class AddressConflict(ValueError):
    """Two constructs of one stack asked for the same Terraform address or provider alias."""


def set_address_prefix(scope: IConstruct, prefix: str | None) -> None:
    """Prefix every address chosen below `scope` (call before adding children)."""
    global _PREFIX_SET
    if prefix:
        scope.node.set_context(_CONTEXT, check_address_prefix(prefix))
        _PREFIX_SET = True


def _prefix(scope: IConstruct) -> str | None:
    return scope.node.try_get_context(_CONTEXT) if _PREFIX_SET else None


def prefixed(scope: IConstruct, name: str) -> str:
    """`name`, or `<prefix>_<name>` below a construct with an address prefix."""
    prefix = _prefix(scope)
    return f"{prefix}_{name}" if prefix else name


def provider_alias(scope: IConstruct, alias: str | None) -> str | None:
    """A provider alias below `scope`: the default provider becomes `<prefix>` there."""
    prefix = _prefix(scope)
    if not prefix:
        return alias
    return f"{prefix}_{alias}" if alias else prefix


def claim_provider(provider: IConstruct, provider_type: str, alias: str | None) -> None:
    """Two default (or same-alias) blocks of one provider in a stack are a Terraform error
    ("Duplicate provider configuration"): refuse them at synth, naming both constructs."""
    claim(provider, f"provider.{provider_type}", alias or "(default)")


def stack_constructor(init: Init) -> Init:
    """For a stack class's `__init__` that builds all of its constructs itself (Tierform's
    own stacks): claims made while it runs are that stack's. Anything built in another stack
    meanwhile would be counted wrongly, so only a constructor that never does so uses it;
    everywhere else (a library user's own stacks) a claim asks cdktf for the stack."""

    @functools.wraps(init)
    def build(self: Any, *args: Any, **kwargs: Any) -> None:
        token = _BUILDING.set(self)
        try:
            init(self, *args, **kwargs)
        finally:
            _BUILDING.reset(token)

    return build  # type: ignore[return-value]


def building_stack() -> Any:
    """The Tierform stack whose constructor is running, or None (a library user's stack)."""
    return _BUILDING.get()


def claim(scope: IConstruct, kind: str, name: str) -> None:
    """Record that `scope` owns `kind`.`name` in its stack; refuse a second owner."""
    stack = _BUILDING.get()
    if stack is None:  # a stack Tierform does not build itself: a library user's
        stack = TerraformStack.of(scope)
        check_stack(stack)
    # The claimant itself, not its path: jsii hands back one Python object per construct,
    # and the paths (two round trips each) are only needed for the error.
    claims: dict[tuple[str, str], IConstruct] = stack.__dict__.setdefault(_CLAIMS, {})
    key = (kind, name)
    owner = claims.setdefault(key, scope)
    if owner is not scope and owner.node.path != scope.node.path:
        raise AddressConflict(
            f"stack {stack.node.id!r}: {kind}.{name} is asked for by both "
            f"{owner.node.path!r} and {scope.node.path!r}; one stack can hold each environment "
            "construct once unless each "
            "copy has its own address_prefix (e.g. SnowflakeEnvironmentProps(..., "
            "address_prefix='analytics'))"
        )


# Resource type by prebuilt provider class (cdktf_cdktf_provider_*): each such class writes
# one fixed type (its static `tfResourceType`), so it is read from node once per class, not
# once per block. Other classes (generic ones, tfgeneric.py's) take a type per instance.
_PROVIDER_CLASS_TYPES: dict[type, str] = {}


def _resource_type(element: IConstruct) -> str | None:
    cls = type(element)
    known = _PROVIDER_CLASS_TYPES.get(cls)
    if known is not None:
        return known
    resource_type = getattr(element, "terraform_resource_type", None)
    if (
        isinstance(resource_type, str)
        and cls.__module__.startswith("cdktf_cdktf_provider_")
        and "TF_RESOURCE_TYPE" in cls.__dict__
    ):
        _PROVIDER_CLASS_TYPES[cls] = resource_type
    return resource_type


def _kind(element: IConstruct) -> str:
    resource_type = _resource_type(element)
    if resource_type:
        data = isinstance(element, TerraformDataSource)
        return f"data.{resource_type}" if data else str(resource_type)
    return type(element).__name__.removeprefix("Terraform").lower()  # variable, output


def chosen_address(element: IConstruct) -> str | None:
    """`<kind>.<name>` as `stable_address` gave it to `element` (no round trip), or None."""
    given = element.__dict__.get(ADDRESS)
    return None if given is None else f"{given[0]}.{given[1]}"


def stable_address(element: E, name: str) -> E:
    """Give a resource, data source, variable or output the address `<type>.<name>`
    (prefixed below a construct with an address prefix), claimed in its stack."""
    name = prefixed(element, name)
    kind = _kind(element)
    claim(element, kind, name)
    element.override_logical_id(name)  # type: ignore[attr-defined]
    element.__dict__[ADDRESS] = (kind, name)
    return element
