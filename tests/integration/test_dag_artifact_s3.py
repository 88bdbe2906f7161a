"""The DAG release artifact published to MWAA's bucket: the real release CLI (Airflow's own
parser included) against moto's standalone S3 server on 127.0.0.1, reached by boto3 through
AWS_ENDPOINT_URL_S3 exactly as it reaches AWS. The ledger is the example's default store
(staging's state bucket) on the same server. MWAA itself cannot run here (moto has none)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
import yaml
from object_servers import make_bucket, moto_s3_server
from support import copy_config, tool_env

pytestmark = pytest.mark.integration

DAG_BUCKET = "northwind-airflow-staging"
HASH = "tierform-sha256"


@pytest.fixture
def s3():  # a fresh server per test: each starts from empty buckets
    with moto_s3_server() as env:
        make_bucket(env, "northwind-tierform-state")
        make_bucket(env, DAG_BUCKET)
        yield env


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy_config(tmp_path)  # with examples/
    return tmp_path


def client(env: dict[str, str]):
    return boto3.client(
        "s3",
        endpoint_url=env["AWS_ENDPOINT_URL_S3"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )


def objects(env) -> dict[str, bytes]:
    s3 = client(env)
    listed = s3.list_objects_v2(Bucket=DAG_BUCKET, Prefix="dags/").get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=DAG_BUCKET, Key=o["Key"])["Body"].read() for o in listed}


def release(env, root: Path) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tierform.release",
            "dags",
            "--tier",
            "staging",
            "--root",
            str(root),
        ],
        env=tool_env(**env, CI="1"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_release_uploads_dags_dbt_project_profiles_and_release_json(s3, root):
    out = release(s3, root)
    published = objects(s3)
    for key in (
        "dags/northwind_daily_build.py",
        "dags/northwind_lib/__init__.py",
        "dags/.airflowignore",
        "dags/tierform_release/dbt/dbt_project.yml",
        "dags/tierform_release/dbt/models/marts/fct_orders.sql",
        "dags/tierform_release/profiles/profiles.yml",
        "dags/tierform_release/requirements.txt",
        "dags/RELEASE.json",
    ):
        assert key in published, key
    assert "dags/tierform_release/dbt/profiles.yml" not in published  # only the tier's own
    manifest = json.loads(published["dags/RELEASE.json"])
    dbt = manifest["artifact"]["dbt"]
    assert dbt["project_dir"] == "tierform_release/dbt"
    assert dbt["profiles_dir"] == "tierform_release/profiles"
    assert dbt["target"] == "staging" and dbt["connection_id"] == "snowflake_default"
    assert manifest["artifact"]["requirements"]["path"] == "tierform_release/requirements.txt"
    assert isinstance(manifest["git_dirty"], bool | None)
    # No machine path anywhere in what is published.
    assert str(root) not in published["dags/RELEASE.json"].decode()
    profiles = yaml.safe_load(published["dags/tierform_release/profiles/profiles.yml"])
    assert list(profiles["northwind"]["outputs"]) == ["staging"]
    assert (
        "env_var('SNOWFLAKE_PRIVATE_KEY')"
        in profiles["northwind"]["outputs"]["staging"]["private_key"]
    )
    assert b"tierform_release/" in published["dags/.airflowignore"]
    assert f"{len(published)} uploaded, 0 deleted" in out


def test_identical_release_uploads_only_its_record_and_removed_dag_is_deleted(s3, root):
    release(s3, root)
    before = objects(s3)
    # The same content again: every file is unchanged; only RELEASE.json (the new
    # release's id and time) is written.
    out = release(s3, root)
    assert f"1 uploaded, 0 deleted, {len(before) - 1} unchanged" in out
    after = objects(s3)
    assert {k: v for k, v in after.items() if not k.endswith("RELEASE.json")} == {
        k: v for k, v in before.items() if not k.endswith("RELEASE.json")
    }

    (root / "examples" / "dags" / "northwind_marts_refresh.py").unlink()
    out = release(s3, root)
    assert "dags/northwind_marts_refresh.py" not in objects(s3)
    assert "1 deleted" in out
    manifest = json.loads(objects(s3)["dags/RELEASE.json"])
    assert "northwind_marts_refresh" not in manifest["dag_ids"]


def test_kms_style_etag_does_not_defeat_unchanged_detection(s3, root):
    """With SSE-KMS (or a multipart upload) S3's ETag is not the MD5 of the bytes. Rewrite
    a published file as a multipart upload: its ETag changes shape ("…-1"), its bytes and
    stored hash do not, and the next release leaves it alone."""
    release(s3, root)
    key = "dags/northwind_daily_build.py"
    s3c = client(s3)
    head = s3c.head_object(Bucket=DAG_BUCKET, Key=key)
    body = s3c.get_object(Bucket=DAG_BUCKET, Key=key)["Body"].read()
    upload = s3c.create_multipart_upload(
        Bucket=DAG_BUCKET, Key=key, Metadata={HASH: head["Metadata"][HASH]}
    )
    part = s3c.upload_part(
        Bucket=DAG_BUCKET, Key=key, UploadId=upload["UploadId"], PartNumber=1, Body=body
    )
    s3c.complete_multipart_upload(
        Bucket=DAG_BUCKET,
        Key=key,
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]},
    )
    rewritten = s3c.head_object(Bucket=DAG_BUCKET, Key=key)
    assert rewritten["ETag"].strip('"').endswith("-1")  # not an MD5 any more
    version_before = rewritten.get("VersionId"), rewritten["LastModified"]
    out = release(s3, root)
    assert "1 uploaded" in out  # RELEASE.json only
    after = s3c.head_object(Bucket=DAG_BUCKET, Key=key)
    assert (after.get("VersionId"), after["LastModified"]) == version_before
