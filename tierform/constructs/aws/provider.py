"""The AWS provider: region from config, credentials only from the environment."""

from __future__ import annotations

from tierform.constructs.tfgeneric import Block, ProviderModel


class DefaultTags(Block):
    tags: dict[str, str]


class AwsProvider(ProviderModel):
    """Credentials are never set here: the provider reads AWS_PROFILE, AWS_ACCESS_KEY_ID,
    AWS_ROLE_ARN… from the environment at plan/apply time."""

    provider_name = "aws"
    source = "hashicorp/aws"
    # Admits 5.100.0 (the version in the offline mirror, checked by terraform validate) and
    # later 5.x releases.
    version_constraint = "~> 5.100"

    region: str
    default_tags: DefaultTags | None = None
