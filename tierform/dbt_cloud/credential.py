"""Setting the secret of a tier's dbt Cloud credential before its deploy job runs.

Terraform creates the credential without its secret (the key or token would land in state:
tierform/config/dbt_cloud_step.py), so the release step sets it through dbt Cloud's v3 API,
the way the dbtcloud provider updates a credential: read it, put the secret in, POST the
whole object back to /projects/{project}/credentials/{credential}/ —

  snowflake (key pair)  `private_key`, and `private_key_passphrase` when its variable is set
  databricks            `credential_details.fields.token.value`

dbt Cloud never returns a secret, so whether it changed cannot be known: the secret is set
on every release (one extra call). It is read from the deploying environment's variable
named by the tier (`secret_env`); it goes into that request's body only — never into
messages, the ledger record or the step's triggers.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from dataclasses import dataclass

from tierform.config.dbt_cloud_step import CREDENTIAL_ENV, DbtCloudStep
from tierform.dbt_cloud.errors import DbtCloudInputError
from tierform.dbt_cloud.jobs import job_id_from_env


@dataclass(frozen=True)
class CredentialSecret:
    credential_id: int
    secret: str
    passphrase: str = ""

    def __repr__(self) -> str:  # never the secret
        return f"CredentialSecret(credential {self.credential_id})"


def manages_secret(step: DbtCloudStep) -> bool:
    return bool(step.secret_env)


def credential_secret(
    step: DbtCloudStep, environ: Mapping[str, str] | None = None
) -> CredentialSecret | None:
    """What the release sets, checked before anything is triggered; None when the tier's
    credential takes no secret from Tierform."""
    if not manages_secret(step):
        return None
    env = environ if environ is not None else os.environ
    credential = job_id_from_env(CREDENTIAL_ENV, env)
    if credential is None:
        raise DbtCloudInputError(
            f"${CREDENTIAL_ENV} is not set: the tier's stack sets it on the dbt release step "
            "with the id of the dbt Cloud credential it created (export it to run the step by "
            "hand)"
        )
    secret = env.get(step.secret_env, "").strip()
    if not secret:
        what = "private key (PEM)" if step.credential_type == "snowflake" else "token"
        raise DbtCloudInputError(
            f"the {step.credential_type or 'dbt Cloud'} {what} of the tier's dbt Cloud "
            f"credential is not set: export {step.secret_env} in the environment that deploys "
            "(the release step sets it on the credential through dbt Cloud's API)"
        )
    passphrase = env.get(step.secret_passphrase_env, "") if step.secret_passphrase_env else ""
    return CredentialSecret(credential, secret, passphrase.strip())


def with_secret(step: DbtCloudStep, current: dict, secret: CredentialSecret) -> dict:
    """The credential as read, with the secret put where its kind keeps it."""
    body = copy.deepcopy(current)
    if step.credential_type == "databricks":
        details = body.setdefault("credential_details", {}) or {}
        body["credential_details"] = details
        fields = details.setdefault("fields", {}) or {}
        details["fields"] = fields
        token = fields.get("token") if isinstance(fields.get("token"), dict) else {}
        fields["token"] = {**token, "value": secret.secret}
        return body
    body[step.secret_attribute or "private_key"] = secret.secret
    if secret.passphrase:
        body["private_key_passphrase"] = secret.passphrase
    return body


def set_secret(client, step: DbtCloudStep, secret: CredentialSecret) -> None:
    current = client.get_credential(step.project_id, secret.credential_id)
    client.update_credential(
        step.project_id,
        secret.credential_id,
        with_secret(step, current, secret),
        secrets=tuple(s for s in (secret.secret, secret.passphrase) if s),
    )
