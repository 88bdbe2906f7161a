"""Which dbt Cloud attributes hold a secret: the one definition used by the dbt Cloud
constructs (tierform.constructs.dbtcloud) and by the gate's dbt Cloud checks
(tierform_dbt_cloud.py). Standard library only, no import of the tierform package (checkov
loads this folder from its own virtualenv). Registers no check.
"""

from __future__ import annotations

# Credential type → its secret attributes. Terraform never sets one from config (they
# would land in state): they stay unset and in lifecycle.ignore_changes, and the dbt
# release step sets the secret through dbt Cloud's API.
CREDENTIAL_SECRETS: dict[str, tuple[str, ...]] = {
    "dbtcloud_snowflake_credential": ("password", "private_key", "private_key_passphrase"),
    "dbtcloud_databricks_credential": ("token",),
}
# Secrets inside a global connection's per-warehouse block (OAuth client secrets).
CONNECTION_SECRETS: dict[str, tuple[str, ...]] = {
    "snowflake": ("oauth_client_secret",),
    "databricks": ("client_secret",),
}
# The provider requires a Databricks credential's `token`: Tierform writes this marker
# (not a secret) and ignores later changes.
DATABRICKS_TOKEN_PLACEHOLDER = "set-by-tierform-release"
