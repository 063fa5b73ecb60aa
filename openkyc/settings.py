"""One settings object for the whole platform (prefix ``OPENKYC_``).

Each group reads its own variables: ``OPENKYC_DATABASE_URL``, ``OPENKYC_REDIS_URL``,
``OPENKYC_S3_*``, ``OPENKYC_CRYPTO_MASTER_KEY``, ``OPENKYC_AUTH_*``, ``OPENKYC_MEDIA_*``.
Production (``OPENKYC_ENV=production``) refuses to start without a master key and refuses the
known development and test secrets.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from openkyc.kit import crypto

Environment = Literal["development", "test", "production"]

# Secrets that appear in this repository's docs and tests: never acceptable in production.
KNOWN_TEST_SECRETS = frozenset(
    {
        "changeme",
        "secret",
        "openkyc-test-secret",
        "openkyc-test-access",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        crypto.encode_key(b"\x00" * crypto.KEY_BYTES),
        crypto.encode_key(b"openkyc-test-master-key-32bytes!"),
    }
)


class ConfigurationError(RuntimeError):
    """The settings cannot run the platform safely; the message says what to change."""


class DatabaseSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPENKYC_DATABASE_", extra="ignore")
    url: str | None = Field(None, description="SQLAlchemy URL; default SQLite in the data dir")
    echo: bool = False


class RedisSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPENKYC_REDIS_", extra="ignore")
    url: str | None = Field(None, description="Redis URL for the replay cache (and later more)")


class S3Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPENKYC_S3_", extra="ignore")
    endpoint_url: str | None = None
    bucket: str | None = Field(None, description="Setting a bucket switches media to S3")
    access_key: SecretStr | None = None
    secret_key: SecretStr | None = None
    region: str = "us-east-1"
    prefix: str = ""


class CryptoSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPENKYC_CRYPTO_", extra="ignore")
    master_key: SecretStr | None = Field(
        None, description="base64 of 32 random bytes; generated into the data dir in development"
    )


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPENKYC_AUTH_", extra="ignore")
    clock_skew_seconds: int = Field(300, ge=1, le=3600)
    key_overlap_hours: float = Field(24.0, ge=0, description="old key life after a rotation")


class MediaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPENKYC_MEDIA_", extra="ignore")
    max_image_bytes: int = Field(10 * 1024 * 1024, description="per image, after base64 decode")
    max_image_pixels: int = Field(40_000_000, description="decompression-bomb limit")
    min_image_side: int = Field(16, description="smaller images cannot carry a face or text")
    max_request_bytes: int = Field(64 * 1024 * 1024, description="whole request body")


class JobsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPENKYC_JOBS_", extra="ignore")
    broker_url: str | None = Field(None, description="Celery broker; default OPENKYC_REDIS_URL")
    queue: str = Field("openkyc", description="Celery queue name")
    sweep_seconds: float = Field(15.0, gt=0, description="re-send jobs no worker picked up")
    task_modules: list[str] = Field(
        default_factory=list, description="extra modules registering tasks (tests, plugins)"
    )
    threads: int = Field(2, ge=0, le=64, description="embedded worker threads in the server")
    face_processes: int | None = Field(
        None,
        ge=0,
        le=64,
        description="embedded mode: helper processes for dlib's face descriptors, which hold "
        "the GIL (default: one per worker thread; 0: computed in the worker threads)",
    )
    poll_seconds: float = Field(1.0, gt=0)
    lease_seconds: int = Field(300, ge=5, description="a job's worker is presumed dead after")


class WebhookSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPENKYC_WEBHOOKS_", extra="ignore")
    retry_schedule_seconds: list[float] = Field(
        default_factory=lambda: [300.0, 3600.0, 18_000.0, 64_800.0],
        description="waits before retries 2, 3, 4, 5 (default 5 min, 1 h, 5 h, 18 h)",
    )
    timeout_seconds: float = Field(10.0, gt=0, le=60)
    allow_private_targets: bool | None = Field(
        None, description="loopback/private URLs; default: refused in production only"
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPENKYC_", extra="ignore")

    env: Environment = "development"
    data_dir: Path = Field(Path("data"), description="SQLite file, media, generated master key")
    log_json: bool | None = Field(None, description="JSON logs; default on in production")
    log_level: str = "INFO"
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    redis: RedisSettings = Field(default_factory=RedisSettings)
    s3: S3Settings = Field(default_factory=S3Settings)
    crypto: CryptoSettings = Field(default_factory=CryptoSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    media: MediaSettings = Field(default_factory=MediaSettings)
    jobs: Literal["embedded", "celery"] = Field(
        "embedded", description="OPENKYC_JOBS: worker threads in the server, or Celery workers"
    )
    workers: JobsSettings = Field(default_factory=JobsSettings)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)

    @property
    def production(self) -> bool:
        return self.env == "production"

    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite:///{(self.data_dir / 'openkyc.db').resolve()}"

    def json_logs(self) -> bool:
        return self.production if self.log_json is None else self.log_json


class MasterKeySource(BaseModel):
    key: bytes
    origin: Literal["settings", "file", "generated"]


def master_key(settings: Settings) -> MasterKeySource:
    """The master key from settings, or (outside production) from/into ``data_dir/master.key``."""
    configured = settings.crypto.master_key
    if configured is not None:
        try:
            return MasterKeySource(
                key=crypto.decode_key(configured.get_secret_value()), origin="settings"
            )
        except ValueError as exc:
            raise ConfigurationError(f"OPENKYC_CRYPTO_MASTER_KEY: {exc}") from exc
    if settings.production:
        raise ConfigurationError(
            "production needs OPENKYC_CRYPTO_MASTER_KEY (base64 of 32 random bytes); "
            "generate one with: openkyc keygen"
        )
    path = settings.data_dir / "master.key"
    if path.exists():
        return MasterKeySource(key=crypto.decode_key(path.read_text()), origin="file")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    key = crypto.new_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(crypto.encode_key(key) + "\n")
    return MasterKeySource(key=key, origin="generated")


def check_production(settings: Settings) -> None:
    """Refuse to run production on missing or known-default secrets."""
    if not settings.production:
        return
    secrets_in_use = {
        "OPENKYC_CRYPTO_MASTER_KEY": settings.crypto.master_key,
        "OPENKYC_S3_SECRET_KEY": settings.s3.secret_key,
        "OPENKYC_S3_ACCESS_KEY": settings.s3.access_key,
    }
    if settings.crypto.master_key is None:
        raise ConfigurationError("production needs OPENKYC_CRYPTO_MASTER_KEY")
    for name, value in secrets_in_use.items():
        if value is not None and value.get_secret_value().strip() in KNOWN_TEST_SECRETS:
            raise ConfigurationError(f"{name} is a known default or test secret; set a real one")
    if settings.s3.bucket and settings.s3.secret_key is None:
        raise ConfigurationError("OPENKYC_S3_BUCKET is set but OPENKYC_S3_SECRET_KEY is not")
