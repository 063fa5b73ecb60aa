"""Media object store on any S3 API (SeaweedFS, MinIO, AWS).

Objects are stored exactly as given: callers hand in AES-GCM ciphertext, so this store never
compresses, re-encodes or encrypts again. Every transport or server failure surfaces as
:class:`StoreUnavailable`, an absent object as :class:`ObjectMissing`, so callers handle the
same two errors as with the file store.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, cast

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from openkyc.kit.storage_errors import ObjectMissing, StoreUnavailable

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.literals import BucketLocationConstraintType

__all__ = ["S3ObjectStore"]

# Same rule as FileObjectStore, so a key accepted by one backend is accepted by the other and
# a move between them never meets a key the target cannot hold.
_SAFE_KEY = re.compile(r"^[A-Za-z0-9_\-]+(/[A-Za-z0-9_\-]+)*$")

# Data operations: a 10 MB image must fit in READ_TIMEOUT_S on a slow link; "standard" retries
# back off with jitter on throttling and 5xx, which S3 servers return under load.
CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 30.0
MAX_ATTEMPTS = 3
# Above the default of 10 because worker threads and request handlers share one client.
MAX_POOL_CONNECTIONS = 32
# Health checks must answer fast and truthfully: one attempt, short timeouts.
PING_TIMEOUT_S = 2.0

# HEAD requests carry no body, so a missing key or bucket shows as a bare "404".
_KEY_MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
_BUCKET_MISSING_CODES = frozenset({"NoSuchBucket", "404", "NotFound"})
_BUCKET_OWNED_CODES = frozenset({"BucketAlreadyOwnedByYou"})


def _client(
    endpoint_url: str | None,
    access_key: str,
    secret_key: str,
    region: str,
    config: Config,
) -> S3Client:
    # A session per store: boto3's default session is shared global state and not thread-safe.
    session = boto3.session.Session(
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name=region,
    )
    return session.client("s3", endpoint_url=endpoint_url, config=config)


def _config(connect_s: float, read_s: float, attempts: int, pool: int) -> Config:
    return Config(
        # Path-style addressing: SeaweedFS and MinIO are reached by host:port, where
        # virtual-host buckets (bucket.host) would need wildcard DNS.
        s3={"addressing_style": "path"},
        connect_timeout=connect_s,
        read_timeout=read_s,
        retries={"max_attempts": attempts, "mode": "standard"},
        max_pool_connections=pool,
    )


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _unavailable(action: str, exc: Exception) -> StoreUnavailable:
    return StoreUnavailable(f"{action} failed: {exc}")


class S3ObjectStore:
    """Objects under ``prefix`` in one bucket; the bucket is created on first use if asked."""

    def __init__(
        self,
        endpoint_url: str | None,
        bucket: str,
        access_key: str,
        secret_key: str,
        region: str = "us-east-1",
        prefix: str = "",
        create_bucket: bool = True,
    ) -> None:
        self.bucket = bucket
        self.region = region
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self._create_bucket = create_bucket
        self._bucket_ready = False
        self._bucket_lock = threading.Lock()
        self._client = _client(
            endpoint_url,
            access_key,
            secret_key,
            region,
            _config(CONNECT_TIMEOUT_S, READ_TIMEOUT_S, MAX_ATTEMPTS, MAX_POOL_CONNECTIONS),
        )
        self._ping_client = _client(
            endpoint_url,
            access_key,
            secret_key,
            region,
            _config(PING_TIMEOUT_S, PING_TIMEOUT_S, 1, 4),
        )

    def _object_key(self, key: str) -> str:
        if not _SAFE_KEY.match(key):
            raise ValueError(f"unsafe object key {key!r}")
        return self.prefix + key

    def put(self, key: str, data: bytes) -> None:
        object_key = self._object_key(key)
        self._ensure_bucket(self._client)
        try:
            self._client.put_object(
                Bucket=self.bucket,
                Key=object_key,
                Body=data,
                ContentType="application/octet-stream",
            )
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(f"put {object_key!r}", exc) from exc

    def get(self, key: str) -> bytes:
        object_key = self._object_key(key)
        self._ensure_bucket(self._client)
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=object_key)
            return response["Body"].read()
        except ClientError as exc:
            if _error_code(exc) in _KEY_MISSING_CODES:
                raise ObjectMissing(key) from exc
            raise _unavailable(f"get {object_key!r}", exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(f"get {object_key!r}", exc) from exc

    def delete(self, key: str) -> None:
        # S3 DeleteObject already answers 204 for an absent key, which makes this idempotent.
        object_key = self._object_key(key)
        self._ensure_bucket(self._client)
        try:
            self._client.delete_object(Bucket=self.bucket, Key=object_key)
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(f"delete {object_key!r}", exc) from exc

    def ping(self) -> None:
        """Check the endpoint answers and the bucket exists (creating it if allowed)."""
        self._bucket_ready = False
        self._ensure_bucket(self._ping_client)

    def _ensure_bucket(self, client: S3Client) -> None:
        # Checked once per process, not per request: a HEAD on every put would double the
        # round trips. ping() resets the flag so health checks always ask the server.
        if self._bucket_ready:
            return
        with self._bucket_lock:
            if self._bucket_ready:
                return
            try:
                client.head_bucket(Bucket=self.bucket)
            except ClientError as exc:
                if _error_code(exc) not in _BUCKET_MISSING_CODES:
                    raise _unavailable(f"head bucket {self.bucket!r}", exc) from exc
                if not self._create_bucket:
                    raise StoreUnavailable(f"bucket {self.bucket!r} does not exist") from exc
                self._make_bucket(client)
            except BotoCoreError as exc:
                raise _unavailable(f"head bucket {self.bucket!r}", exc) from exc
            self._bucket_ready = True

    def _make_bucket(self, client: S3Client) -> None:
        try:
            # us-east-1 is the one region that rejects an explicit LocationConstraint.
            if self.region == "us-east-1":
                client.create_bucket(Bucket=self.bucket)
            else:
                client.create_bucket(
                    Bucket=self.bucket,
                    CreateBucketConfiguration={
                        "LocationConstraint": cast("BucketLocationConstraintType", self.region)
                    },
                )
        except ClientError as exc:
            # Another process may have created it between our HEAD and CREATE.
            if _error_code(exc) not in _BUCKET_OWNED_CODES:
                raise _unavailable(f"create bucket {self.bucket!r}", exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(f"create bucket {self.bucket!r}", exc) from exc
