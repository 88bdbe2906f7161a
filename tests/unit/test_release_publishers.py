"""DAG publishers against their targets.

- local: a real folder; the switch is a symlink swap.
- s3: moto's in-memory mock of S3 (no AWS account here); the publisher's boto3 calls are
  real, only the service behind them is simulated.
- astronomer: in test_astronomer_deploy.py (a recording stand-in astro CLI on PATH).
"""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from tierform.config.airflow import DagTarget
from tierform.release.context import ReleaseError
from tierform.release.publishers import publisher_for
from tierform.release.publishers.s3 import S3Publisher, parse_s3_url


def version(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    folder = tmp_path / "versions" / name
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return folder


# --- local ---------------------------------------------------------------------------


def test_local_publish_swaps_a_relative_symlink(tmp_path: Path):
    target = DagTarget(
        kind="local", location=".tierform/airflow/dags", environment_name="local-local"
    )
    publisher = publisher_for(target, tmp_path)
    a = version(tmp_path, "a", {"one.py": "# a", "RELEASE.json": "{}"})
    b = version(tmp_path, "b", {"two.py": "# b", "RELEASE.json": "{}"})
    publisher.publish(a)
    link = tmp_path / ".tierform" / "airflow" / "dags"
    assert link.is_symlink() and not os.path.isabs(os.readlink(link))
    assert sorted(p.name for p in link.iterdir()) == ["RELEASE.json", "one.py"]
    publisher.publish(b)
    assert sorted(p.name for p in link.iterdir()) == ["RELEASE.json", "two.py"]
    assert (a / "one.py").read_text() == "# a"  # the previous release is kept intact
    assert [p.name for p in link.parent.iterdir()] == ["dags"]  # no swap leftovers


def test_local_publish_refuses_a_folder_it_did_not_create(tmp_path: Path):
    existing = tmp_path / ".tierform" / "airflow" / "dags"
    existing.mkdir(parents=True)
    (existing / "hand_made.py").write_text("# mine")
    target = DagTarget(
        kind="local", location=".tierform/airflow/dags", environment_name="local-local"
    )
    with pytest.raises(ReleaseError, match="not created by Tierform") as caught:
        publisher_for(target, tmp_path).publish(version(tmp_path, "a", {"one.py": "# a"}))
    assert getattr(caught.value, "exit_code", 1) == 2
    # Left exactly as it was: not moved, not replaced.
    assert not existing.is_symlink() and (existing / "hand_made.py").read_text() == "# mine"
    assert [p.name for p in existing.parent.iterdir()] == ["dags"]


# --- s3 ------------------------------------------------------------------------------


@pytest.fixture
def s3(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-1")
        client.create_bucket(
            Bucket="northwind-airflow-prod",
            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
        )
        yield client


def keys(client, prefix: str = "") -> dict[str, bytes]:
    listed = client.list_objects_v2(Bucket="northwind-airflow-prod", Prefix=prefix)
    return {
        item["Key"]: client.get_object(Bucket="northwind-airflow-prod", Key=item["Key"])[
            "Body"
        ].read()
        for item in listed.get("Contents", [])
    }


S3_TARGET = DagTarget(
    kind="s3", location="s3://northwind-airflow-prod/dags", environment_name="northwind-prod"
)


def test_s3_sync_uploads_and_deletes_removed_files(tmp_path: Path, s3):
    s3.put_object(Bucket="northwind-airflow-prod", Key="dags/retired_dag.py", Body=b"# old")
    s3.put_object(Bucket="northwind-airflow-prod", Key="dags-archive/keep.py", Body=b"# x")
    s3.put_object(Bucket="northwind-airflow-prod", Key="requirements.txt", Body=b"dbt")
    publisher = S3Publisher(S3_TARGET, client=s3)
    first = version(
        tmp_path, "a", {"a.py": "# a", "lib/x.py": "# x", "RELEASE.json": '{"id": "a"}'}
    )
    where = publisher.publish(first)
    assert "3 uploaded, 1 deleted" in where
    assert keys(s3, "dags/") == {
        "dags/a.py": b"# a",
        "dags/lib/x.py": b"# x",
        "dags/RELEASE.json": b'{"id": "a"}',
    }
    # Outside the prefix nothing is touched (dags-archive/ shares the first letters).
    assert set(keys(s3)) - set(keys(s3, "dags/")) == {"dags-archive/keep.py", "requirements.txt"}

    assert "0 uploaded, 0 deleted, 3 unchanged" in publisher.publish(first)

    second = version(tmp_path, "b", {"a.py": "# a v2", "RELEASE.json": '{"id": "b"}'})
    assert "2 uploaded, 1 deleted" in publisher.publish(second)
    assert keys(s3, "dags/") == {"dags/a.py": b"# a v2", "dags/RELEASE.json": b'{"id": "b"}'}


def test_s3_failure_is_a_readable_release_error(tmp_path: Path, s3):
    missing = DagTarget(kind="s3", location="s3://no-such-bucket/dags", environment_name="x")
    with pytest.raises(ReleaseError, match=r"publishing to s3://no-such-bucket/dags failed"):
        S3Publisher(missing, client=s3).publish(version(tmp_path, "a", {"a.py": "# a"}))


def test_s3_urls():
    assert parse_s3_url("s3://bucket/dags") == ("bucket", "dags")
    assert parse_s3_url("s3://bucket/team/dags/") == ("bucket", "team/dags")
    assert parse_s3_url("s3://bucket") == ("bucket", "")
    with pytest.raises(ReleaseError):
        parse_s3_url("gs://bucket/dags")


# Astronomer (dags | image | infer, with a recording stand-in astro): test_astronomer_deploy.py
