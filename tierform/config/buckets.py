"""Bucket names, one rule per object store, shared by the state backends, the release ledger
(whose default is the backend's bucket) and the Airflow DAG buckets (whose names the tier's
naming rule may make): a name the cloud would refuse is refused at load, naming the field,
never later by a derived setting or at apply."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field

# S3: 3–63 lower-case letters, digits, dots and hyphens, starting and ending alphanumeric.
S3_BUCKET_PATTERN = r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$"
# GCS: the same alphabet plus underscores, up to 222 characters with dots.
GCS_BUCKET_PATTERN = r"^[a-z0-9][a-z0-9._-]*[a-z0-9]$"

S3BucketName = Annotated[str, Field(min_length=3, max_length=63, pattern=S3_BUCKET_PATTERN)]
GcsBucketName = Annotated[str, Field(min_length=3, max_length=222, pattern=GCS_BUCKET_PATTERN)]

_S3 = re.compile(S3_BUCKET_PATTERN)
_GCS = re.compile(GCS_BUCKET_PATTERN)
S3_RULE = "3-63 characters: lower-case letters, digits, '-' and '.'"
GCS_RULE = (
    "3-63 characters (222 with dots, 63 between them): lower-case letters, digits, '-', '_' "
    "and '.', starting and ending with a letter or digit, not 'goog…' nor containing 'google'"
)


def valid_s3_bucket(name: str) -> bool:
    return 3 <= len(name) <= 63 and bool(_S3.fullmatch(name)) and ".." not in name


def valid_gcs_bucket(name: str) -> bool:
    # cloud.google.com/storage/docs/buckets#naming: a dotted name is up to 222 characters with
    # up to 63 per component; names that look like Google's own are refused.
    limit = 222 if "." in name else 63
    return (
        3 <= len(name) <= limit
        and bool(_GCS.fullmatch(name))
        and all(0 < len(part) <= 63 for part in name.split("."))
        and not name.startswith("goog")
        and "google" not in name
        and "g00gle" not in name
    )
