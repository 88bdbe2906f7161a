"""Errors of the dbt Cloud runner. Both are ReleaseErrors, so the release CLI and `ci run`
report them as one line; `exit_code` says which: 2 when the input cannot work (no token, a
token or id dbt Cloud refuses), 1 when dbt Cloud was reached and the run failed."""

from __future__ import annotations

from tierform.config.errors import EXIT_BAD_INPUT
from tierform.release.context import ReleaseError


class DbtCloudError(ReleaseError):
    exit_code = 1


class DbtCloudInputError(DbtCloudError):
    exit_code = EXIT_BAD_INPUT
