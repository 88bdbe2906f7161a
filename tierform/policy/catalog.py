"""Every check the gate enforces: ID, category (which decides severity per tier) and reason.

The checks themselves live in checkov_checks/ (run inside checkov); tests keep the two in
step. Categories: `security` fails in every tier; `cost` and `hygiene` fail in staging and
prod and warn in dev and local.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tierform.policy.checkov_checks.tierform_data_stores import PROTECTED_DATA_STORES

Category = Literal["security", "cost", "hygiene"]
INVENTORY_ID = "CKV_TF_TF_000"


@dataclass(frozen=True)
class CheckInfo:
    id: str
    category: Category
    resources: tuple[str, ...]
    reason: str
    builtin: bool = False


CHECKS: tuple[CheckInfo, ...] = (
    # Snowflake
    CheckInfo("CKV_TF_SF_001", "cost", ("snowflake_warehouse",),
              "Warehouse auto_suspend is set, > 0 and within the tier's limit (prod 600 s, elsewhere 60 s): an idle warehouse bills by the second."),
    CheckInfo("CKV_TF_SF_002", "cost", ("snowflake_warehouse",),
              "Every prod warehouse is under a resource monitor, so a runaway query cannot spend without limit."),
    CheckInfo("CKV_TF_SF_003", "security", ("snowflake_database",),
              "Protected databases keep Time Travel (data_retention_time_in_days >= 1): the only undo for a bad DELETE or DROP."),
    CheckInfo("CKV_TF_SF_004", "security", tuple(PROTECTED_DATA_STORES),
              "Protected data stores (Snowflake databases and schemas, Databricks catalog and schemas, S3 and Cloud Storage DAG buckets, the Airflow environment) carry lifecycle.prevent_destroy, so no plan can drop them."),
    CheckInfo("CKV_TF_SF_005", "security", ("snowflake_user", "snowflake_legacy_service_user", "snowflake_service_user"),
              "No user gets a password from Terraform: passwords land in state; people use SSO, services key pairs."),
    CheckInfo("CKV_TF_SF_006", "security", ("snowflake_service_user", "snowflake_legacy_service_user"),
              "Service users authenticate with an RSA key pair only."),
    CheckInfo("CKV_TF_SF_007", "security", ("snowflake_grant_account_role",),
              "ACCOUNTADMIN, SECURITYADMIN and ORGADMIN are never granted to a user or a functional role."),
    CheckInfo("CKV_TF_SF_008", "security", ("snowflake_grant_privileges_to_account_role", "snowflake_grant_privileges_to_database_role"),
              "No WITH GRANT OPTION: access is changed in this repository, not re-granted by role holders."),
    CheckInfo("CKV_TF_SF_009", "security", ("snowflake_network_policy",),
              "Network policies do not allow every address (0.0.0.0/0): such a policy restricts nothing."),
    CheckInfo("CKV_TF_SF_010", "hygiene", ("snowflake_service_user", "snowflake_legacy_service_user"),
              "Service users of protected tiers sign in under a network policy, so a leaked key does not work from anywhere."),
    # Databricks
    CheckInfo("CKV_TF_DBX_001", "cost", ("databricks_cluster_policy",),
              "Every cluster policy enforces auto-termination (autotermination_minutes fixed > 0, or a range with minValue >= 1)."),
    CheckInfo("CKV_TF_DBX_002", "cost", ("databricks_sql_endpoint",),
              "SQL warehouses stop within the tier's limit (prod 60 min, staging 30, dev/local 10)."),
    CheckInfo("CKV_TF_DBX_003", "security", ("databricks_job",),
              "Prod jobs run code from a git tag or commit, never a moving branch."),
    CheckInfo("CKV_TF_DBX_004", "security", ("databricks_job",),
              "Prod jobs run as a service principal, not as a person."),
    CheckInfo("CKV_TF_DBX_005", "security", ("databricks_grants", "databricks_grant"),
              "No ALL_PRIVILEGES granted to all account users (`account users` / `users`)."),
    CheckInfo("CKV_TF_DBX_006", "hygiene", ("databricks_job",),
              "Scheduled (unpaused) prod jobs notify someone on failure (e-mail or webhook), so a broken nightly run is noticed."),
    CheckInfo("CKV_TF_DBX_007", "cost", ("databricks_job",),
              "No job or task retries without end (max_retries -1): a run that always fails would hold its cluster forever."),
    # Airflow / AWS: ours, then the curated built-ins
    CheckInfo("CKV_TF_AF_001", "security", ("aws_mwaa_environment",),
              "The MWAA webserver is not public (webserver_access_mode PRIVATE_ONLY) in protected tiers."),
    CheckInfo("CKV_AWS_20", "security", ("aws_s3_bucket",), "DAG bucket: no ACL allowing public READ.", builtin=True),
    CheckInfo("CKV_AWS_57", "security", ("aws_s3_bucket",), "DAG bucket: no ACL allowing public WRITE.", builtin=True),
    CheckInfo("CKV_AWS_21", "security", ("aws_s3_bucket",), "DAG bucket is versioned (MWAA requires it; old DAGs stay recoverable).", builtin=True),
    CheckInfo("CKV2_AWS_6", "security", ("aws_s3_bucket",), "DAG bucket has a public access block.", builtin=True),
    CheckInfo("CKV_AWS_53", "security", ("aws_s3_bucket_public_access_block",), "Public access block: block_public_acls.", builtin=True),
    CheckInfo("CKV_AWS_54", "security", ("aws_s3_bucket_public_access_block",), "Public access block: block_public_policy.", builtin=True),
    CheckInfo("CKV_AWS_55", "security", ("aws_s3_bucket_public_access_block",), "Public access block: ignore_public_acls.", builtin=True),
    CheckInfo("CKV_AWS_56", "security", ("aws_s3_bucket_public_access_block",), "Public access block: restrict_public_buckets.", builtin=True),
    CheckInfo("CKV_AWS_242", "hygiene", ("aws_mwaa_environment",), "MWAA scheduler logs are enabled.", builtin=True),
    CheckInfo("CKV_AWS_243", "hygiene", ("aws_mwaa_environment",), "MWAA worker logs are enabled.", builtin=True),
    CheckInfo("CKV_AWS_244", "hygiene", ("aws_mwaa_environment",), "MWAA webserver logs are enabled.", builtin=True),
    CheckInfo("CKV2_AWS_66", "hygiene", ("aws_mwaa_environment",), "MWAA environment is not publicly accessible (fails in staging/prod, warns in dev; CKV_TF_AF_001 fails in protected tiers).", builtin=True),
    # Cloud Composer (checkov's built-in GCP checks that apply to what a composer tier gets)
    CheckInfo("CKV_GCP_29", "security", ("google_storage_bucket",), "Composer DAG bucket: uniform bucket-level access (no object ACLs).", builtin=True),
    CheckInfo("CKV_GCP_114", "security", ("google_storage_bucket",), "Composer DAG bucket: public access prevention enforced.", builtin=True),
    CheckInfo("CKV_GCP_78", "security", ("google_storage_bucket",), "Composer DAG bucket is versioned (old DAGs stay recoverable).", builtin=True),
    CheckInfo("CKV_GCP_62", "hygiene", ("google_storage_bucket",), "Composer DAG bucket logs access (set airflow.access_logs).", builtin=True),
    CheckInfo("CKV_GCP_63", "hygiene", ("google_storage_bucket",), "Composer DAG bucket does not log to itself.", builtin=True),
    CheckInfo("CKV_GCP_41", "security", ("google_project_iam_member",), "Composer service account: no Service Account User / Token Creator role.", builtin=True),
    CheckInfo("CKV_GCP_42", "security", ("google_project_iam_member",), "Composer service account: no admin role.", builtin=True),
    CheckInfo("CKV_GCP_46", "security", ("google_project_iam_member",), "Composer runs as its own service account, not the default Compute one.", builtin=True),
    # Not run: CKV_GCP_49 counts roles/composer.worker among impersonating roles, and it is
    # the role Google requires for a Composer environment's own service account.
    CheckInfo("CKV_GCP_117", "security", ("google_project_iam_member",), "Composer service account holds no basic role (Owner/Editor/Viewer).", builtin=True),
    # dbt Cloud (release.dbt.runner: dbt_cloud)
    CheckInfo("CKV_TF_DBTC_001", "security", ("dbtcloud_snowflake_credential", "dbtcloud_databricks_credential", "dbtcloud_global_connection"),
              "dbt Cloud credentials hold their secret only by reference: no password, private key or token set from Terraform (it lands in state), and the secret attributes in lifecycle.ignore_changes (the release step sets them through the API)."),
    CheckInfo("CKV_TF_DBTC_002", "security", ("dbtcloud_job",),
              "dbt Cloud deploy jobs have no webhook or merge trigger: only the release step starts them, for the commit it deploys."),
    CheckInfo("CKV_TF_DBTC_003", "hygiene", ("dbtcloud_job",),
              "dbt Cloud CI jobs (job_type ci or a webhook trigger) defer to a deployment environment (deferring_environment_id), not to nothing or a legacy job."),
    # Every resource
    CheckInfo("CKV_TF_SEC_001", "security", ("*",),
              "No resource attribute (for_each values included) holds a secret's shape: key material, a vendor token, credentials in a URL. Everything in a resource lands in the plan and in state; secrets come from variables or the environment."),
    # Release steps
    CheckInfo("CKV_TF_REL_001", "security", ("terraform_data",),
              "Release-step triggers, input and local-exec environment/command hold no secret-looking values (key material, tokens, passwords): triggers land in state."),
    CheckInfo("CKV_TF_REL_002", "hygiene", ("terraform_data",),
              "Release steps hold no absolute machine paths: the stack must run from any checkout."),
)  # fmt: skip

BY_ID = {c.id: c for c in CHECKS}


def enforced(kind: str, category: Category) -> bool:
    """True when a failure of this category fails the gate on a tier of this kind."""
    return category == "security" or kind in ("staging", "prod")


def checkov_check_ids() -> list[str]:
    """What checkov is told to run (`--check`): ours, the curated built-ins, the probe."""
    return [INVENTORY_ID, *(c.id for c in CHECKS)]
