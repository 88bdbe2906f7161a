"""Which environment variables are credentials, defined once: what code that runs other
people's files (DAG files parsed by the DAG checks) must never see.

A variable is a credential when its name belongs to a deploy tool's credential family
(SNOWFLAKE_*, AWS_*, DATABRICKS_*, ASTRO_*, GOOGLE_*, …), when its name says it holds a
secret (…TOKEN, …PASSWORD, …PRIVATE_KEY, the same names config validation refuses), or
when its value has a secret's shape (a key block, a vendor token, credentials in a URL —
the shapes the policy gate uses, tierform/policy/checkov_checks/tierform_secret_shapes.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from tierform.policy.checkov_checks.tierform_secret_shapes import SECRET_NAME, find_secret

# Families whose every variable is (or points at) a deploy credential: cloud and warehouse
# SDKs read them implicitly, so even a harmless-looking one (AWS_PROFILE, GOOGLE_CLOUD_PROJECT
# next to ADC) lets code act as the deployer.
CREDENTIAL_PREFIXES = (
    "SNOWFLAKE_",
    "AWS_",
    "DATABRICKS_",
    "ASTRO_",
    "ASTRONOMER_",
    "GOOGLE_",
    "GCLOUD_",
    "CLOUDSDK_",
    "GCP_",
    "AZURE_",
    "ARM_",
    "DBT_CLOUD_",
    "TF_TOKEN_",
    "TF_VAR_",
    "ACTIONS_ID_TOKEN_",
    "ACTIONS_RUNTIME_",
    "AIRFLOW_CONN_",  # Airflow connections carry their password in the URI
    "VAULT_",
)
CREDENTIAL_NAMES = frozenset(
    {"GITHUB_TOKEN", "GH_TOKEN", "SSH_AUTH_SOCK", "KUBECONFIG", "DOCKER_AUTH_CONFIG", "NETRC"}
)
# Certificate bundles share the families' prefixes but are public (AWS_CA_BUNDLE).
_NOT_SECRET = re.compile(r"(?i)_CA_(BUNDLE|CERTS?)(_FILE)?$")
# A name that merely contains KEY/PASS is too broad (KEYMAP, PASSIVE); these end a name.
_SECRET_SUFFIX = re.compile(r"(?i)(_KEY|_PASS|_PWD|_CREDS|_AUTH)$")


def is_credential(name: str, value: str) -> bool:
    upper = name.upper()
    if _NOT_SECRET.search(name) and find_secret(value) is None:
        return False
    return (
        upper.startswith(CREDENTIAL_PREFIXES)
        or upper in CREDENTIAL_NAMES
        or SECRET_NAME.search(name) is not None
        or _SECRET_SUFFIX.search(name) is not None
        or find_secret(value) is not None
    )


def without_credentials(env: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """(the environment without credentials, the names removed — never their values)."""
    kept: dict[str, str] = {}
    removed: list[str] = []
    for name, value in env.items():
        if is_credential(name, value):
            removed.append(name)
        else:
            kept[name] = value
    return kept, sorted(removed)
