"""A thin typed layer over cdktf's generic resource API, for providers without a prebuilt
binding we want to pay for (AWS: ~39 s and ~1.7 GB to import) or without one at all (Astro).

A resource type is a pydantic model holding only the attributes we use (nested blocks are
models too); `TypedResource` / `TypedDataSource` / `TypedProvider` turn any such model into a
block of the synthesized JSON. This module is the one place that does that. Typos fail in
Python (unknown field), types fail in Python, and the result is checked against the real
provider schema with `terraform validate` (tests/integration/test_mwaa_validate.py).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any, ClassVar

import jsii
from pydantic import BaseModel, ConfigDict

from tierform.constructs.addresses import claim_provider, provider_alias, stable_address
from tierform.constructs.framework import (
    Construct,
    ITerraformDependable,
    ITerraformIterator,
    LocalExecProvisioner,
    TerraformDataSource,
    TerraformProvider,
    TerraformProviderGeneratorMetadata,
    TerraformResource,
    TerraformResourceLifecycle,
)


class Block(BaseModel):
    """Attributes of a resource, data source, provider or nested block. Field names are the
    provider's attribute names; None means "not set" and is left out of the output."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def attributes(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True, by_alias=True)


class ProviderModel(Block):
    """A provider's settings; the class names its registry source and version constraint."""

    provider_name: ClassVar[str]
    source: ClassVar[str]
    version_constraint: ClassVar[str]


class ResourceModel(Block):
    """A resource (or data source) type: `terraform_type` is e.g. `aws_s3_bucket`."""

    terraform_type: ClassVar[str]
    provider_name: ClassVar[str]


def _metadata(provider_name: str, constraint: str | None = None):
    return TerraformProviderGeneratorMetadata(
        provider_name=provider_name, provider_version_constraint=constraint
    )


class TypedProvider(TerraformProvider):
    """`provider "<name>" {...}` plus its `required_providers` entry (source, version)."""

    def __init__(self, scope: Construct, id: str, model: ProviderModel):
        super().__init__(
            scope,
            id,
            terraform_resource_type=model.provider_name,
            terraform_generator_metadata=_metadata(model.provider_name, model.version_constraint),
            terraform_provider_source=model.source,
        )
        self.model = model
        alias = provider_alias(self, None)
        if alias is not None:
            self.alias = alias
        claim_provider(self, model.provider_name, alias)

    # cdktf's TerraformProvider has no alias of its own (its getter answers undefined, its
    # setter drops the value; each generated provider class overrides both). Overridden here
    # too, so node reads ours: the block gets `alias` and the resources given this provider
    # point at `<type>.<alias>`, not at the default provider.
    @builtins.property
    @jsii.member(jsii_name="alias")
    def alias(self) -> str | None:
        return self.__dict__.get("_tierform_alias")

    @alias.setter
    def alias(self, value: str | None) -> None:
        self.__dict__["_tierform_alias"] = value

    @jsii.member(jsii_name="synthesizeAttributes")
    def _synthesize_attributes(self) -> dict[str, Any]:
        return self.model.attributes()


class TypedResource(TerraformResource):
    """One resource block from a ResourceModel. `address` gives it a stable, readable
    Terraform address (`<type>.<address>`) independent of construct paths."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        model: ResourceModel,
        *,
        provider: TerraformProvider | None = None,
        depends_on: Sequence[ITerraformDependable] | None = None,
        lifecycle: TerraformResourceLifecycle | None = None,
        for_each: ITerraformIterator | None = None,
        provisioners: Sequence[LocalExecProvisioner] | None = None,
        address: str | None = None,
    ):
        super().__init__(
            scope,
            id,
            terraform_resource_type=model.terraform_type,
            terraform_generator_metadata=_metadata(model.provider_name),
            provider=provider,
            depends_on=list(depends_on) if depends_on else None,
            lifecycle=lifecycle,
            for_each=for_each,
            provisioners=list(provisioners) if provisioners else None,
        )
        self.model = model
        if address is not None:
            stable_address(self, address)

    @jsii.member(jsii_name="synthesizeAttributes")
    def _synthesize_attributes(self) -> dict[str, Any]:
        return self.model.attributes()

    def ref(self, attribute: str) -> str:
        """`${<type>.<name>.<attribute>}` as a token string, for other resources' fields."""
        return self.get_string_attribute(attribute)


class TypedDataSource(TerraformDataSource):
    """One `data` block from a ResourceModel (e.g. aws_caller_identity)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        model: ResourceModel,
        *,
        provider: TerraformProvider | None = None,
        address: str | None = None,
    ):
        super().__init__(
            scope,
            id,
            terraform_resource_type=model.terraform_type,
            terraform_generator_metadata=_metadata(model.provider_name),
            provider=provider,
        )
        self.model = model
        if address is not None:
            stable_address(self, address)

    @jsii.member(jsii_name="synthesizeAttributes")
    def _synthesize_attributes(self) -> dict[str, Any]:
        return self.model.attributes()

    def ref(self, attribute: str) -> str:
        return self.get_string_attribute(attribute)
