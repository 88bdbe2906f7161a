"""Literal secrets in dbt's profiles.yml: the one rule, applied by config validation to every
target of the file (tierform/config/release.py `profile_literal_secrets`) and again by the
DAG release to the target it ships (tierform/release/artifact.py), a second line of defence.

profiles.yml is committed, read by the dbt step and shipped (the tier's target) with the
DAGs, so a credential in it must come from the environment: `{{ env_var('X') }}`. A field
holds a literal secret when
- its value has a secret's shape (tierform_secret_shapes: key material, vendor tokens, …),
  under any field name, nested or not, inside a Jinja expression or not; or
- its name says secret (`password`, `private_key`, `token`, `client_secret`, …) and its
  value is written down rather than read with `env_var(`. A name that says *where* or
  *which* secret (`private_key_path`, `token_uri`, `private_key_id`) holds no secret.
The value is never part of a message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tierform.policy.checkov_checks.tierform_secret_shapes import SECRET_NAME, find_secret

__all__ = ["is_secret_field", "literal_secrets", "profiles_literal_secrets"]

# (field path, message), as in references.py
Problem = tuple[list[str | int], str]

# dbt's own names for a secret beside the names the release-step check refuses literal
# values under (SECRET_NAME): a service-account key written inline (dbt-bigquery), and
# `pass`, which dbt-postgres and dbt-redshift take for `password`.
_DBT_SECRET_NAME = re.compile(r"(?i)keyfile_json|^pass$")
# A file holding the secret, an endpoint, a key's id: dbt-snowflake `private_key_path`,
# dbt-bigquery `token_uri` and `keyfile_json.private_key_id`, Athena `aws_access_key_id`.
_NOT_A_SECRET = re.compile(r"(?i)(_path|_file|_uri|_url|_id)$")

_EXPECTED = "write \"{{ env_var('…') }}\" so it comes from the environment at run time"

# A text written down beside env_var in the expression: its default (`env_var('X', 'pw')`),
# a filter's (`env_var('X') | default('pw')`) or a fallback (`env_var('X') or 'pw'`). When
# the variable is unset (a laptop, a CI job without the secret) dbt uses it, so it is a
# committed secret too. Only env_var's first argument, the variable's name, is not.
_ENV_VAR_NAME = re.compile(r"""env_var\(\s*(['"])[^'"]*\1""")
_QUOTED_TEXT = re.compile(r"""(['"])(?P<text>(?:(?!\1).)*)\1""")


def _literal_beside_env_var(value: str) -> bool:
    rest = _ENV_VAR_NAME.sub("env_var(", value)
    return any(match["text"].strip() for match in _QUOTED_TEXT.finditer(rest))


def is_secret_field(name: str) -> bool:
    """A profiles.yml field whose literal value is a secret, whatever the value looks like."""
    if _NOT_A_SECRET.search(name):
        return False
    return bool(SECRET_NAME.search(name) or _DBT_SECRET_NAME.search(name))


def literal_secrets(output: Any, path: list[str | int]) -> Iterator[Problem]:
    """Every field of one dbt output (a target, at `path` in profiles.yml) holding a
    literal secret."""
    yield from _walk(output, path, secret_field=False)


def profiles_literal_secrets(data: Any) -> Iterator[Problem]:
    """Every field of every target of every profile in profiles.yml holding a literal
    secret (`config:` and other entries without `outputs` hold no target)."""
    if not isinstance(data, dict):
        return
    for profile, entry in data.items():
        outputs = entry.get("outputs") if isinstance(entry, dict) else None
        if not isinstance(outputs, dict):
            continue
        for target, output in outputs.items():
            yield from literal_secrets(output, [str(profile), "outputs", str(target)])


def _walk(value: Any, path: list[str | int], *, secret_field: bool) -> Iterator[Problem]:
    if isinstance(value, dict):
        for key, item in value.items():
            name = str(key)
            yield from _walk(item, [*path, name], secret_field=is_secret_field(name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, [*path, index], secret_field=secret_field)
    elif isinstance(value, str):
        what = find_secret(value)
        if what:
            yield path, f"a literal secret ({what}, not shown); {_EXPECTED}"
        elif secret_field and value.strip() and "env_var(" not in value:
            yield path, f"a literal secret (not shown); {_EXPECTED}"
        elif secret_field and _literal_beside_env_var(value):
            yield (
                path,
                (
                    "a literal secret as env_var's default or fallback (not shown), used "
                    "whenever the variable is unset; drop it, or make it ''"
                ),
            )
    elif secret_field and isinstance(value, int | float) and not isinstance(value, bool):
        # `password: 12345678` is read by YAML as a number, and is still written down.
        yield path, f"a literal secret (not shown); {_EXPECTED}"
