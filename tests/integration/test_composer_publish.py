"""Composer DAG releases against a local GCS API: gcp-storage-emulator on 127.0.0.1 (the
environment bucket, reached by google-cloud-storage through STORAGE_EMULATOR_HOST) and, for
the release CLI, moto's S3 server (helix prod's ledger store). Composer itself cannot run
here; what it reads, the bucket's dags/ folder, is real."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from object_servers import gcs_emulator, make_bucket, moto_s3_server
from support import HELIX_ROOT, tool_env

from tierform.config.airflow import DagTarget
from tierform.release.context import ReleaseError
from tierform.release.publishers import publisher_for

pytestmark = pytest.mark.integration

BUCKET = "helix-flow-prod-helix-data-prod"  # helix prod's Composer 3 bucket (cloud naming)


@pytest.fixture
def gcs(monkeypatch):
    with gcs_emulator(BUCKET) as env:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "helix-data-prod")
        yield env


def blobs(prefix: str = "dags/") -> dict[str, bytes]:
    from google.cloud import storage

    bucket = storage.Client().bucket(BUCKET)
    return {b.name: b.download_as_bytes() for b in bucket.list_blobs(prefix=prefix)}


def version(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    folder = tmp_path / "versions" / name
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return folder


TARGET = DagTarget(kind="gcs", location=f"gs://{BUCKET}/dags", environment_name="helix-flow-prod")


def test_publisher_syncs_detects_unchanged_by_stored_hash_and_deletes(gcs, tmp_path):
    from google.cloud import storage

    other = storage.Client().bucket(BUCKET).blob("data/keep.csv")
    other.upload_from_string(b"a,b")  # Composer's data/ folder: never touched
    publisher = publisher_for(TARGET, tmp_path)
    first = version(
        tmp_path, "a", {"a.py": "# a", "lib/x.py": "# x", "RELEASE.json": '{"id": "a"}'}
    )
    assert "3 uploaded, 0 deleted" in publisher.publish(first)
    assert blobs() == {
        "dags/a.py": b"# a",
        "dags/lib/x.py": b"# x",
        "dags/RELEASE.json": b'{"id": "a"}',
    }
    # RELEASE.json was written last: its generation is the newest.
    bucket = storage.Client().bucket(BUCKET)
    generations = {b.name: b.generation for b in bucket.list_blobs(prefix="dags/")}
    assert generations["dags/RELEASE.json"] == max(generations.values())
    assert "0 uploaded, 0 deleted, 3 unchanged" in publisher.publish(first)

    second = version(tmp_path, "b", {"a.py": "# a v2", "RELEASE.json": '{"id": "b"}'})
    assert "2 uploaded, 1 deleted" in publisher.publish(second)
    assert blobs() == {"dags/a.py": b"# a v2", "dags/RELEASE.json": b'{"id": "b"}'}
    assert blobs("data/") == {"data/keep.csv": b"a,b"}
    # Rollback is a re-publish of the older folder: its files come back, exactly.
    assert "3 uploaded, 0 deleted, 0 unchanged" in publisher.publish(first)
    assert blobs() == {
        "dags/a.py": b"# a",
        "dags/lib/x.py": b"# x",
        "dags/RELEASE.json": b'{"id": "a"}',
    }


def test_unreachable_bucket_is_a_readable_release_error(gcs, tmp_path):
    missing = DagTarget(kind="gcs", location="gs://no-such-bucket/dags", environment_name="x")
    with pytest.raises(ReleaseError, match=r"publishing to gs://no-such-bucket/dags failed"):
        publisher_for(missing, tmp_path).publish(version(tmp_path, "a", {"a.py": "# a"}))


def test_composer_2_location_comes_from_the_stack(monkeypatch, tmp_path):
    target = DagTarget(kind="gcs", location="$COMPOSER_DAG_GCS_PREFIX", environment_name="x")
    monkeypatch.delenv("COMPOSER_DAG_GCS_PREFIX", raising=False)
    with pytest.raises(ReleaseError, match="COMPOSER_DAG_GCS_PREFIX is not set"):
        publisher_for(target, tmp_path)
    monkeypatch.setenv("COMPOSER_DAG_GCS_PREFIX", "gs://europe-west1-env-1234-bucket/dags")
    publisher = publisher_for(target, tmp_path)
    assert (publisher.bucket_name, publisher.prefix) == ("europe-west1-env-1234-bucket", "dags")


def test_release_cli_publishes_helix_prod_to_composer_and_rolls_back(gcs, tmp_path):
    """The real release CLI on helix prod: DAGs + dbt project + the tier's profiles (a
    separate profiles_dir) into the environment bucket, recorded in the S3 ledger; a second
    release after a DAG is removed deletes it; rollback restores it."""
    root = tmp_path / "helix"
    shutil.copytree(HELIX_ROOT, root, ignore=shutil.ignore_patterns("__pycache__", "target"))
    with moto_s3_server() as s3:
        make_bucket(s3, "helix-release-ledger")
        env = tool_env(**s3, **gcs, GOOGLE_CLOUD_PROJECT="helix-data-prod", CI="1")

        def cli(*args: str):
            result = subprocess.run(
                [sys.executable, "-m", "tierform.release", *args, "--tier", "prod",
                 "--root", str(root)],
                env=env, capture_output=True, text=True, timeout=600,
            )  # fmt: skip
            assert result.returncode == 0, result.stdout + result.stderr
            return result.stdout + result.stderr

        cli("dags")
        published = blobs()
        manifest = json.loads(published["dags/RELEASE.json"])
        assert manifest["target"] == {"kind": "gcs", "location": f"gs://{BUCKET}/dags"}
        assert manifest["artifact"]["dbt"]["source_profiles_dir"] == "dbt/profiles"
        assert manifest["artifact"]["dbt"]["profiles_dir"] == "tierform_release/profiles"
        assert "dags/tierform_release/profiles/profiles.yml" in published
        assert "dags/tierform_release/dbt/dbt_project.yml" in published
        assert "dags/tierform_release/dbt/profiles/profiles.yml" not in published
        profiles = published["dags/tierform_release/profiles/profiles.yml"].decode()
        assert "snow_prod" in profiles and "snow_qa" not in profiles  # the tier's target only
        assert "dags/tierform_release/requirements.txt" in published
        assert "dags/helix_hello.py" in published

        (root / "dags" / "helix_bye.py").write_text(
            (root / "dags" / "helix_hello.py").read_text().replace("helix_hello", "helix_bye")
        )
        cli("dags")
        assert "dags/helix_bye.py" in blobs()
        cli("rollback")
        after = blobs()
        assert "dags/helix_bye.py" not in after  # removed again by the rollback
        assert json.loads(after["dags/RELEASE.json"])["release_id"] == manifest["release_id"]
