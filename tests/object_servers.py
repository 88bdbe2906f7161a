"""Real object-store API servers on 127.0.0.1 that tests start and stop themselves:
moto's standalone S3 server (boto3 reaches it through AWS_ENDPOINT_URL_S3, exactly as it
reaches AWS) and gcp-storage-emulator (google-cloud-storage through STORAGE_EMULATOR_HOST).
Not in-process patching: the code under test talks HTTP to a separate process."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_listening(port: int, process: subprocess.Popen, name: str) -> None:
    for _ in range(300):  # bounded: 30 s at most, normally well under one
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {process.stdout.read() if process.stdout else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not listen on 127.0.0.1:{port}")


@contextmanager
def _server(args: list[str], port: int, name: str) -> Iterator[None]:
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_listening(port, process, name)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def moto_s3_server() -> Iterator[dict[str, str]]:
    """Yields the environment that points boto3 at the server (dummy credentials)."""
    port = free_port()
    with _server(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], port, "moto"
    ):
        yield {
            "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{port}",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }


@contextmanager
def gcs_emulator(bucket: str) -> Iterator[dict[str, str]]:
    port = free_port()
    args = [sys.executable, "-m", "gcp_storage_emulator", "start", "--host", "127.0.0.1"]
    args += ["--port", str(port), "--in-memory", "--default-bucket", bucket]
    with _server(args, port, "gcp-storage-emulator"):
        yield {"STORAGE_EMULATOR_HOST": f"http://127.0.0.1:{port}"}


def make_bucket(env: dict[str, str], bucket: str) -> None:
    import boto3

    boto3.client(
        "s3",
        endpoint_url=env["AWS_ENDPOINT_URL_S3"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["AWS_DEFAULT_REGION"],
    ).create_bucket(Bucket=bucket)
