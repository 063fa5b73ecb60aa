"""S3ObjectStore against a real SeaweedFS server started for this module."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from mypy_boto3_s3 import S3Client

from openkyc.kit.storage_errors import ObjectMissing, StoreUnavailable
from openkyc.kit.storage_s3 import S3ObjectStore
from tests.kit.s3_fixture import S3Endpoint, start_seaweedfs, stop_seaweedfs

pytestmark = pytest.mark.s3

KEY = "t/tenant-1/ab/0f1e2d3c"


@pytest.fixture
def s3(s3_server: S3Endpoint) -> S3Endpoint:
    """The session's SeaweedFS server (tests/conftest.py starts it once and stops it)."""
    return s3_server


@pytest.fixture
def bucket() -> str:
    return f"openkyc-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def store(s3: S3Endpoint, bucket: str) -> S3ObjectStore:
    return s3.store(bucket)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _alive(pid: int) -> bool:
    # A zombie counts as gone: it holds no ports and no files.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _raw_client(s3: S3Endpoint) -> S3Client:
    return boto3.client(
        "s3",
        endpoint_url=s3.url,
        aws_access_key_id=s3.access_key,
        aws_secret_access_key=s3.secret_key,
        region_name=s3.region,
        config=Config(s3={"addressing_style": "path"}),
    )


def _dead_url() -> str:
    # Bind then release a port: nothing listens there afterwards, so connections are refused.
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        port = holder.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_put_get_delete_round_trip(store: S3ObjectStore) -> None:
    store.put(KEY, b"\x00ciphertext\xff")
    assert store.get(KEY) == b"\x00ciphertext\xff"
    store.put(KEY, b"replaced")
    assert store.get(KEY) == b"replaced"
    store.delete(KEY)
    with pytest.raises(ObjectMissing):
        store.get(KEY)


def test_get_missing_raises_object_missing_with_key(store: S3ObjectStore) -> None:
    with pytest.raises(ObjectMissing) as caught:
        store.get("t/tenant-1/zz/absent")
    assert caught.value.key == "t/tenant-1/zz/absent"
    assert isinstance(caught.value, LookupError)


def test_delete_is_idempotent(store: S3ObjectStore) -> None:
    store.put(KEY, b"x")
    store.delete(KEY)
    store.delete(KEY)
    store.delete("t/tenant-1/zz/never-stored")
    with pytest.raises(ObjectMissing):
        store.get(KEY)


def test_ping_ok(store: S3ObjectStore) -> None:
    store.ping()


def test_ping_on_dead_endpoint_raises_quickly() -> None:
    store = S3ObjectStore(_dead_url(), "openkyc-test", "k", "s")
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as caught:
        store.ping()
    assert time.monotonic() - started < 5
    assert isinstance(caught.value, RuntimeError)
    assert caught.value.reason


def test_data_calls_on_dead_endpoint_raise_store_unavailable() -> None:
    store = S3ObjectStore(_dead_url(), "openkyc-test", "k", "s")
    for call in (lambda: store.put(KEY, b"x"), lambda: store.get(KEY), lambda: store.delete(KEY)):
        with pytest.raises(StoreUnavailable):
            call()


def test_ping_with_wrong_secret_raises(s3: S3Endpoint, bucket: str) -> None:
    store = S3ObjectStore(s3.url, bucket, s3.access_key, "wrong-secret")
    with pytest.raises(StoreUnavailable):
        store.ping()


def test_large_object_is_stored_byte_for_byte(s3: S3Endpoint, bucket: str) -> None:
    store = s3.store(bucket)
    data = os.urandom(10 * 1024 * 1024)
    store.put(KEY, data)
    assert store.get(KEY) == data
    # The server holds exactly the bytes given: no encoding or transformation on the way.
    raw = _raw_client(s3).get_object(Bucket=bucket, Key=KEY)
    assert raw["ContentLength"] == len(data)
    assert raw["Body"].read() == data


def test_bucket_is_created_on_first_use(s3: S3Endpoint, bucket: str) -> None:
    raw = _raw_client(s3)
    assert bucket not in {b["Name"] for b in raw.list_buckets().get("Buckets", [])}
    s3.store(bucket).put(KEY, b"x")
    raw.head_bucket(Bucket=bucket)


def test_missing_bucket_without_create_is_unavailable(s3: S3Endpoint, bucket: str) -> None:
    store = s3.store(bucket, create_bucket=False)
    with pytest.raises(StoreUnavailable, match="does not exist"):
        store.ping()
    with pytest.raises(StoreUnavailable):
        store.put(KEY, b"x")


def test_prefix_namespaces_objects(s3: S3Endpoint, bucket: str) -> None:
    first = s3.store(bucket, prefix="/site-a/")
    second = s3.store(bucket, prefix="site-b")
    first.put(KEY, b"a")
    with pytest.raises(ObjectMissing):
        second.get(KEY)
    raw = _raw_client(s3)
    assert raw.get_object(Bucket=bucket, Key=f"site-a/{KEY}")["Body"].read() == b"a"


@pytest.mark.parametrize("key", ["", "/t/a", "t/a/", "t//a", "t/../a", "t/a b", "t/ä"])
def test_unsafe_keys_are_rejected(store: S3ObjectStore, key: str) -> None:
    with pytest.raises(ValueError, match="unsafe object key"):
        store.put(key, b"x")


def test_server_listens_on_loopback_only(s3: S3Endpoint) -> None:
    pid = s3.pid()
    assert pid is not None
    listeners = subprocess.run(
        ["ss", "-ltnpH"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    ours = [line.split()[3] for line in listeners if f"pid={pid}," in line]
    expected = {f"127.0.0.1:{s3.port + off}" for off in (0, 1, 2, 3, 4)}
    expected |= {f"127.0.0.1:{s3.port + 10000 + off}" for off in (0, 1, 2, 3, 4)}
    assert set(ours) == expected


def test_start_stop_leaves_nothing_running(tmp_path: Path) -> None:
    endpoint = start_seaweedfs(tmp_path)
    pid = endpoint.pid()
    assert pid is not None
    assert _listening(endpoint.port)
    stop_seaweedfs(endpoint)
    assert not _alive(pid)
    assert not _listening(endpoint.port)
    assert not (tmp_path / "weed.pid").exists()
    stop_seaweedfs(endpoint)  # a second stop is a no-op
