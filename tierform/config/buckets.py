"""Bucket names, one rule per object store, shared by the state backends and the release
ledger (whose default is the backend's bucket): a name the cloud would refuse is refused at
load, naming the field, never later by a derived setting."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# S3: 3–63 lower-case letters, digits, dots and hyphens, starting and ending alphanumeric.
S3BucketName = Annotated[
    str, Field(min_length=3, max_length=63, pattern=r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
]
# GCS: the same alphabet plus underscores, up to 222 characters with dots.
GcsBucketName = Annotated[
    str, Field(min_length=3, max_length=222, pattern=r"^[a-z0-9][a-z0-9._-]*[a-z0-9]$")
]
