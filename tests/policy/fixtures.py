"""A passing and a failing resource for every check, as they appear in cdk.tf.json.

Stack names decide the tier kind when no config is given: `prod`-like names (anything not
local/dev/staging) are protected prod, `dev-…` is dev. Snowflake and Databricks cannot run
here, so these blocks are written by hand in the providers' attribute names; the example
platform's own stacks are checked separately, from a real synth.
"""

from __future__ import annotations

import json


def foreach(items: dict, **block) -> dict:
    """A block in our constructs' style: attributes `${each.value.x}`, values in for_each."""
    return {"for_each": items, **block}


def each(attr: str) -> str:
    return "${each.value." + attr + "}"


WAREHOUSE = {
    "name": each("name"),
    "auto_suspend": each("auto_suspend"),
    "resource_monitor": "${snowflake_resource_monitor.monitor.name}",
}


def policy(definition: dict) -> dict:
    return {"name": "jobs", "definition": json.dumps(definition)}


# check id → (stack kind name, failing resources, passing resources, failing target)
CASES: dict[str, tuple[str, dict, dict, str]] = {
    "CKV_TF_SF_001": (
        "prod",
        {"snowflake_warehouse": {"warehouses": foreach(
            {"OK": {"name": "OK_PROD", "auto_suspend": 60}, "BIG": {"name": "BIG_PROD", "auto_suspend": 900}},
            **WAREHOUSE)}},
        {"snowflake_warehouse": {"warehouses": foreach(
            {"OK": {"name": "OK_PROD", "auto_suspend": 60}, "BIG": {"name": "BIG_PROD", "auto_suspend": 600}},
            **WAREHOUSE)}},
        'snowflake_warehouse.warehouses["BIG"]',
    ),
    "CKV_TF_SF_002": (
        "prod",
        {"snowflake_warehouse": {"adhoc": {"name": "ADHOC_PROD", "auto_suspend": 60}}},
        {"snowflake_warehouse": {"adhoc": {"name": "ADHOC_PROD", "auto_suspend": 60, "resource_monitor": "MONITOR_PROD"}}},
        "snowflake_warehouse.adhoc",
    ),
    "CKV_TF_SF_003": (
        "prod",
        {"snowflake_database": {"databases": foreach(
            {"RAW": {"name": "RAW_PROD", "retention": 0}}, name=each("name"),
            data_retention_time_in_days=each("retention"), lifecycle={"prevent_destroy": True})}},
        {"snowflake_database": {"databases": foreach(
            {"RAW": {"name": "RAW_PROD", "retention": 7}}, name=each("name"),
            data_retention_time_in_days=each("retention"), lifecycle={"prevent_destroy": True})}},
        'snowflake_database.databases["RAW"]',
    ),
    "CKV_TF_SF_004": (
        "prod",
        {"snowflake_schema": {"schemas": foreach(
            {"RAW.SHOP": {"database": "RAW_PROD", "name": "SHOP"}},
            database=each("database"), name=each("name"))}},
        {"snowflake_schema": {"schemas": foreach(
            {"RAW.SHOP": {"database": "RAW_PROD", "name": "SHOP"}},
            database=each("database"), name=each("name"), lifecycle={"prevent_destroy": True})}},
        'snowflake_schema.schemas["RAW.SHOP"]',
    ),
    "CKV_TF_SF_005": (
        "dev-sf005",
        {"snowflake_user": {"people": {"name": "ALICE", "password": "Hunter2-Hunter2"}}},
        {"snowflake_user": {"people": {"name": "ALICE", "login_name": "alice@example.com"}}},
        "snowflake_user.people",
    ),
    "CKV_TF_SF_006": (
        "dev-sf006",
        {"snowflake_service_user": {"service": foreach(
            {"DBT": {"name": "DBT_DEV", "key": "MIIBIjAN"}, "AIRFLOW": {"name": "AIRFLOW_DEV"}},
            name=each("name"), rsa_public_key=each("key"))}},
        {"snowflake_service_user": {"service": foreach(
            {"DBT": {"name": "DBT_DEV", "key": "MIIBIjAN"}, "AIRFLOW": {"name": "AIRFLOW_DEV", "key": "${var.airflow_key}"}},
            name=each("name"), rsa_public_key=each("key"))}},
        'snowflake_service_user.service["AIRFLOW"]',
    ),
    "CKV_TF_SF_007": (
        "dev-sf007",
        {"snowflake_grant_account_role": {"admins": foreach(
            {"LOADER": {"role": "ACCOUNTADMIN", "parent": "LOADER_DEV"}},
            role_name=each("role"), parent_role_name=each("parent"))}},
        {"snowflake_grant_account_role": {"admins": foreach(
            {"LOADER": {"role": "TRANSFORMER_DEV", "parent": "LOADER_DEV"}, "SYS": {"role": "SECURITYADMIN", "parent": "ACCOUNTADMIN"}},
            role_name=each("role"), parent_role_name=each("parent"))}},
        'snowflake_grant_account_role.admins["LOADER"]',
    ),
    "CKV_TF_SF_008": (
        "dev-sf008",
        {"snowflake_grant_privileges_to_account_role": {"usage": {
            "account_role_name": "REPORTER_DEV", "privileges": ["USAGE"], "with_grant_option": True}}},
        {"snowflake_grant_privileges_to_account_role": {"usage": {
            "account_role_name": "REPORTER_DEV", "privileges": ["USAGE"], "with_grant_option": False}}},
        "snowflake_grant_privileges_to_account_role.usage",
    ),
    "CKV_TF_SF_009": (
        "dev-sf009",
        {"snowflake_network_policy": {"network_policies": foreach(
            {"SERVICES": {"name": "SERVICES_DEV", "allowed": ["203.0.113.0/24", "0.0.0.0/0"]}},
            name=each("name"), allowed_ip_list=each("allowed"))}},
        {"snowflake_network_policy": {"network_policies": foreach(
            {"SERVICES": {"name": "SERVICES_DEV", "allowed": ["203.0.113.0/24"]}},
            name=each("name"), allowed_ip_list=each("allowed"))}},
        'snowflake_network_policy.network_policies["SERVICES"]',
    ),
    "CKV_TF_SF_010": (
        "prod",
        {"snowflake_service_user": {"service": foreach(
            {"DBT": {"name": "DBT_PROD", "key": "MIIBIjAN", "policy": "SERVICES_PROD"}, "AIRFLOW": {"name": "AIRFLOW_PROD", "key": "MIIBIjAN"}},
            name=each("name"), rsa_public_key=each("key"), network_policy='${lookup(each.value, "policy", null)}')}},
        {"snowflake_service_user": {"service": foreach(
            {"DBT": {"name": "DBT_PROD", "key": "MIIBIjAN", "policy": "SERVICES_PROD"}, "AIRFLOW": {"name": "AIRFLOW_PROD", "key": "MIIBIjAN", "policy": "SERVICES_PROD"}},
            name=each("name"), rsa_public_key=each("key"), network_policy=each("policy"))}},
        'snowflake_service_user.service["AIRFLOW"]',
    ),
    "CKV_TF_DBX_001": (
        "prod",
        {"databricks_cluster_policy": {"jobs": policy({"autotermination_minutes": {"type": "range", "maxValue": 60}})}},
        {"databricks_cluster_policy": {"jobs": policy({"autotermination_minutes": {"type": "fixed", "value": 20, "hidden": True}})}},
        "databricks_cluster_policy.jobs",
    ),
    "CKV_TF_DBX_002": (
        "dev-dbx002",
        {"databricks_sql_endpoint": {"bi": foreach({"BI": {"stop": 45}}, name="bi", auto_stop_mins=each("stop"))}},
        {"databricks_sql_endpoint": {"bi": foreach({"BI": {"stop": 10}}, name="bi", auto_stop_mins=each("stop"))}},
        'databricks_sql_endpoint.bi["BI"]',
    ),
    "CKV_TF_DBX_003": (
        "prod",
        {"databricks_job": {"dbt": {"name": "dbt", "git_source": {"url": "https://example.com/repo.git", "provider": "gitHub", "branch": "main"},
                                    "run_as": {"service_principal_name": "0000-sp"}}}},
        {"databricks_job": {"dbt": {"name": "dbt", "git_source": {"url": "https://example.com/repo.git", "provider": "gitHub", "tag": "v1.4.0"},
                                    "run_as": {"service_principal_name": "0000-sp"}}}},
        "databricks_job.dbt",
    ),
    "CKV_TF_DBX_004": (
        "prod",
        {"databricks_job": {"dbt": {"name": "dbt", "git_source": {"url": "https://example.com/repo.git", "provider": "gitHub", "commit": "abc123"},
                                    "run_as": {"user_name": "alice@example.com"}}}},
        {"databricks_job": {"dbt": {"name": "dbt", "git_source": {"url": "https://example.com/repo.git", "provider": "gitHub", "commit": "abc123"},
                                    "run_as": {"service_principal_name": "0000-sp"}}}},
        "databricks_job.dbt",
    ),
    "CKV_TF_DBX_005": (
        "dev-dbx005",
        {"databricks_grants": {"catalog": {"catalog": "main", "grant": [
            {"principal": "data-engineers", "privileges": ["USE_CATALOG"]},
            {"principal": "account users", "privileges": ["ALL_PRIVILEGES"]}]}}},
        {"databricks_grants": {"catalog": {"catalog": "main", "grant": [
            {"principal": "data-engineers", "privileges": ["ALL_PRIVILEGES"]},
            {"principal": "account users", "privileges": ["USE_CATALOG"]}]}}},
        "databricks_grants.catalog",
    ),
    "CKV_TF_DBX_006": (
        "prod",
        {"databricks_job": {"jobs": foreach(
            {"NIGHTLY": {"name": "[prod] NIGHTLY", "schedule": [{"cron": "0 0 3 * * ?", "pause": "UNPAUSED"}], "email": []},
             "ADHOC": {"name": "[prod] ADHOC", "schedule": [], "email": []}},
            name=each("name"), git_source={"url": "https://example.com/repo.git", "provider": "gitHub", "commit": "abc1234"},
            run_as={"service_principal_name": "0000-sp"},
            dynamic={"schedule": {"for_each": "${each.value.schedule}", "iterator": "schedule", "content": {
                "quartz_cron_expression": "${schedule.value.cron}", "timezone_id": "UTC", "pause_status": "${schedule.value.pause}"}},
                     "email_notifications": {"for_each": "${each.value.email}", "iterator": "email", "content": {
                "on_failure": "${email.value.on_failure}"}}})}},
        {"databricks_job": {"jobs": foreach(
            {"NIGHTLY": {"name": "[prod] NIGHTLY", "schedule": [{"cron": "0 0 3 * * ?", "pause": "UNPAUSED"}], "email": [{"on_failure": ["oncall@example.com"]}]},
             "ADHOC": {"name": "[prod] ADHOC", "schedule": [], "email": []}},
            name=each("name"), git_source={"url": "https://example.com/repo.git", "provider": "gitHub", "commit": "abc1234"},
            run_as={"service_principal_name": "0000-sp"},
            dynamic={"schedule": {"for_each": "${each.value.schedule}", "iterator": "schedule", "content": {
                "quartz_cron_expression": "${schedule.value.cron}", "timezone_id": "UTC", "pause_status": "${schedule.value.pause}"}},
                     "email_notifications": {"for_each": "${each.value.email}", "iterator": "email", "content": {
                "on_failure": "${email.value.on_failure}"}}})}},
        'databricks_job.jobs["NIGHTLY"]',
    ),
    "CKV_TF_DBX_007": (
        "dev-dbx007",
        {"databricks_job": {"jobs": foreach(
            {"NIGHTLY": {"name": "[dev] NIGHTLY", "tasks": [{"key": "RUN", "retries": -1}]}},
            name=each("name"), dynamic={"task": {"for_each": "${each.value.tasks}", "iterator": "task", "content": {
                "task_key": "${task.value.key}", "max_retries": "${task.value.retries}"}}})}},
        {"databricks_job": {"jobs": foreach(
            {"NIGHTLY": {"name": "[dev] NIGHTLY", "tasks": [{"key": "RUN", "retries": 2}]}},
            name=each("name"), dynamic={"task": {"for_each": "${each.value.tasks}", "iterator": "task", "content": {
                "task_key": "${task.value.key}", "max_retries": "${task.value.retries}"}}})}},
        'databricks_job.jobs["NIGHTLY"]',
    ),
    "CKV_TF_AF_001": (
        "prod",
        {"aws_mwaa_environment": {"airflow": {"name": "northwind-prod", "webserver_access_mode": "PUBLIC_ONLY", "lifecycle": {"prevent_destroy": True}}}},
        {"aws_mwaa_environment": {"airflow": {"name": "northwind-prod", "webserver_access_mode": "PRIVATE_ONLY", "lifecycle": {"prevent_destroy": True}}}},
        "aws_mwaa_environment.airflow",
    ),
    "CKV_TF_SEC_001": (
        "dev-sec001",
        {"snowflake_secret_with_generic_string": {"secrets": foreach(
            {"API": {"name": "API", "secret_string": "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"}},
            name=each("name"), secret_string=each("secret_string"))}},
        {"snowflake_secret_with_generic_string": {"secrets": foreach(
            {"API": {"name": "API"}},
            name=each("name"), secret_string="${var.api_secret}")}},
        'snowflake_secret_with_generic_string.secrets["API"]',
    ),
    "CKV_TF_REL_001": (
        "dev-rel001",
        {"terraform_data": {"release_dags": {
            "triggers_replace": {"content_sha256": "0" * 64, "tier": "dev"},
            "provisioner": [{"local-exec": {"command": "python -m tierform.release dags --tier dev",
                                            "environment": {"DATABRICKS_TOKEN": "dapi0123456789abcdef0123456789abcdef"}}}]}}},
        {"terraform_data": {"release_dags": {
            "triggers_replace": {"content_sha256": "0" * 64, "tier": "dev"},
            "provisioner": [{"local-exec": {"command": "python -m tierform.release dags --tier dev",
                                            "environment": {"TIERFORM_TIER": "dev"}}}]}}},
        "terraform_data.release_dags",
    ),
    "CKV_TF_REL_002": (
        "prod",
        {"terraform_data": {"release_dbt": {
            "triggers_replace": {"content_sha256": "0" * 64},
            "provisioner": [{"local-exec": {"command": "python -m tierform.release dbt --tier staging",
                                            "working_dir": "/home/alice/src/tierform"}}]}}},
        {"terraform_data": {"release_dbt": {
            "triggers_replace": {"content_sha256": "0" * 64},
            "provisioner": [{"local-exec": {"command": "python -m tierform.release dbt --tier staging",
                                            "working_dir": "../../.."}}]}}},
        "terraform_data.release_dbt",
    ),
    "CKV_TF_DBTC_001": (
        "dev-dbtc001",
        {"dbtcloud_snowflake_credential": {"dbt": {
            "project_id": 90001, "auth_type": "keypair", "num_threads": 4, "user": "DBT_DEV", "schema": "MARTS",
            "private_key": "${var.dbt_private_key}",
            "lifecycle": {"ignore_changes": ["password", "private_key", "private_key_passphrase"]}}}},
        {"dbtcloud_snowflake_credential": {"dbt": {
            "project_id": 90001, "auth_type": "keypair", "num_threads": 4, "user": "DBT_DEV", "schema": "MARTS",
            "lifecycle": {"ignore_changes": ["password", "private_key", "private_key_passphrase"]}}}},
        "dbtcloud_snowflake_credential.dbt",
    ),
    "CKV_TF_DBTC_002": (
        "dev-dbtc002",
        {"dbtcloud_job": {"deploy": {
            "project_id": 90001, "environment_id": "${dbtcloud_environment.dbt.environment_id}", "name": "[dev] deploy",
            "execute_steps": ["dbt build"],
            "triggers": {"github_webhook": False, "git_provider_webhook": False, "schedule": False, "on_merge": True}}}},
        {"dbtcloud_job": {"deploy": {
            "project_id": 90001, "environment_id": "${dbtcloud_environment.dbt.environment_id}", "name": "[dev] deploy",
            "execute_steps": ["dbt build"],
            "triggers": {"github_webhook": False, "git_provider_webhook": False, "schedule": False, "on_merge": False}}}},
        "dbtcloud_job.deploy",
    ),
    "CKV_TF_DBTC_003": (
        "prod",
        {"dbtcloud_job": {"ci": {
            "project_id": 90001, "environment_id": "${dbtcloud_environment.dbt.environment_id}", "name": "[prod] CI",
            "execute_steps": ["dbt build --select state:modified+"], "job_type": "ci",
            "triggers": {"github_webhook": True, "git_provider_webhook": False, "schedule": False, "on_merge": False}}}},
        {"dbtcloud_job": {"ci": {
            "project_id": 90001, "environment_id": "${dbtcloud_environment.dbt.environment_id}", "name": "[prod] CI",
            "execute_steps": ["dbt build --select state:modified+"], "job_type": "ci",
            "deferring_environment_id": "${dbtcloud_environment.dbt.environment_id}",
            "triggers": {"github_webhook": True, "git_provider_webhook": False, "schedule": False, "on_merge": False}}}},
        "dbtcloud_job.ci",
    ),
}  # fmt: skip
