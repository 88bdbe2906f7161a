"""Google Cloud Composer (2 or 3): one `google_composer_environment` per tier, run by its own
service account, with DAGs published into the environment bucket's `dags/` folder."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from tierform.config.airflow_flavor import FlavorSpec
from tierform.config.base import Identifier, Spec
from tierform.config.dag_target import DagTarget
from tierform.config.error_format import shorten

# composer-3-airflow-2.10.5-build.12, composer-2.13.1-airflow-2.10.5 (docs: "Cloud Composer
# versions"). Composer 1 reached end of support; it is refused.
_IMAGE = re.compile(
    r"^composer-(?P<major>[23])(\.\d+\.\d+)?-airflow-(?P<airflow>\d+)\.\d+(\.\d+)?(-build\.\d+)?$"
)
# Environment ids: a lower-case letter, then up to 63 lower-case letters, digits and hyphens,
# not ending with a hyphen (Environment.name, Cloud Composer API).
COMPOSER_NAME = re.compile(r"^[a-z](?:[a-z0-9-]{0,62}[a-z0-9])?$")
# Service account ids: 6-30 characters, a lower-case letter first, no trailing hyphen (IAM).
SERVICE_ACCOUNT_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
_PROJECT = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
_REGION = re.compile(r"^[a-z]+-[a-z]+\d+$")
# Set by the release step from the stack when a Composer 2 bucket is not pinned in config:
# Composer 2 creates the environment's bucket itself, so its name exists only after apply.
COMPOSER_DAGS_ENV = "COMPOSER_DAG_GCS_PREFIX"
# The publisher (google-cloud-storage) uses Application Default Credentials.
GCP_CREDENTIAL_ENV = ("GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_AUTH_ACCESS_TOKEN")


def _label_text(text: str, limit: int, *, empty: bool = False) -> bool:
    return (
        (empty or bool(text))
        and len(text) <= limit
        and all(c.islower() or c.isdigit() or c in "_-" for c in text)
    )


class ComposerNetworkSpec(Spec):
    """The VPC network and subnetwork the environment runs in (self links or names)."""

    network: str = Field(min_length=1)
    subnetwork: str = Field(min_length=1)


class GcsAccessLogsSpec(Spec):
    """Usage logs of the DAG bucket go to an existing log bucket (Composer 3)."""

    bucket: str = Field(min_length=3, max_length=63)
    prefix: str | None = None


class ComposerAirflowSpec(FlavorSpec):
    flavor_name = "composer"

    flavor: Literal["composer"]
    project: str
    region: str
    # Logical name; the environment, its bucket and its service account follow the tier's
    # naming rule, lower-case with hyphens: AIRFLOW → airflow-prod.
    name: Identifier = "AIRFLOW"
    image_version: str
    environment_size: Literal["small", "medium", "large"] = "small"
    network: ComposerNetworkSpec | None = None
    # private: no public IP on the environment's components (the default).
    private: bool = True
    # Composer 3: the DAG bucket Tierform creates (default: the naming rule's name).
    # Composer 2: the bucket Composer created, pinned after the first apply (otherwise the
    # release step reads it from the environment: $COMPOSER_DAG_GCS_PREFIX).
    bucket: str | None = Field(default=None, min_length=3, max_length=63)
    access_logs: GcsAccessLogsSpec | None = None
    airflow_config_overrides: dict[str, str] = Field(default_factory=dict)
    labels: dict[str, str] = Field(default_factory=dict)

    @field_validator("labels")
    @classmethod
    def _labels(cls, labels: dict[str, str]) -> dict[str, str]:
        # Google Cloud labels: keys 1-63 characters starting with a lower-case letter, values
        # up to 63; lower-case letters, digits, '_' and '-'; at most 64 per resource.
        if len(labels) > 63:  # Tierform adds tierform-tier
            raise ValueError(f"{len(labels)} labels; Google Cloud allows 64, one is Tierform's")
        for key, value in labels.items():
            if not _label_text(key, 63) or not key[0].islower():
                raise ValueError(
                    f"label key {shorten(key)}: 1-63 lower-case letters, digits, '_' and '-', "
                    "starting with a letter"
                )
            if not _label_text(value, 63, empty=True):
                raise ValueError(
                    f"label {key}: value {shorten(value)}: up to 63 lower-case letters, digits, "
                    "'_' and '-'"
                )
        return labels

    @field_validator("image_version")
    @classmethod
    def _image(cls, value: str) -> str:
        if not _IMAGE.fullmatch(value):
            raise ValueError(
                f"{shorten(value)} is not a Cloud Composer 2 or 3 image version "
                "(e.g. composer-3-airflow-2.10.5-build.12 or composer-2.13.1-airflow-2.10.5)"
            )
        return value

    @field_validator("project")
    @classmethod
    def _project(cls, value: str) -> str:
        if not _PROJECT.fullmatch(value):
            raise ValueError(f"{shorten(value)} is not a Google Cloud project id (e.g. helix-data)")
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not _REGION.fullmatch(value):
            raise ValueError(f"{shorten(value)} is not a Google Cloud region (e.g. europe-west1)")
        return value

    @property
    def composer_major(self) -> int:
        match = _IMAGE.fullmatch(self.image_version)
        assert match is not None  # validated
        return int(match["major"])

    @property
    def airflow_major(self) -> int:
        match = _IMAGE.fullmatch(self.image_version)
        assert match is not None  # validated
        return int(match["airflow"])

    def environment_name(self, tier: str) -> str:
        return self.physical_name(self.name, tier)

    def service_account_id(self, tier: str) -> str:
        """6–30 characters: the environment name, cut to fit, plus `-sa`."""
        return f"{self.environment_name(tier)[:27].rstrip('-')}-sa"

    def bucket_name(self, tier: str) -> str | None:
        """The environment bucket, when known from config (always on Composer 3)."""
        if self.bucket or self.composer_major == 3:
            # cut to GCS's 63 characters, never ending on the hyphen the cut may leave
            derived = f"{self.environment_name(tier)}-{self.project}"[:63].rstrip("-")
            return self.bucket or derived
        return None

    def dag_target(self, tier: str) -> DagTarget:
        bucket = self.bucket_name(tier)
        name = self.environment_name(tier)
        return DagTarget(
            kind="gcs",
            location=f"gs://{bucket}/dags" if bucket else f"${COMPOSER_DAGS_ENV}",
            environment_name=name,
            environment_url=(
                f"https://console.cloud.google.com/composer/environments/detail/"
                f"{self.region}/{name}?project={self.project}"
            ),
            credential_env=GCP_CREDENTIAL_ENV,
        )
