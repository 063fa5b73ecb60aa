"""Builds the running platform from the settings: database, keys, media store, replay cache.

The API, the CLI and the workers all start here, so each part switches between its embedded
default and its scale-out form in one place (ARCHITECTURE.md, "One machine by default").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from openkyc.kit import db
from openkyc.kit.crypto import Keyring
from openkyc.kit.image_intake import ImageLimits
from openkyc.kit.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from openkyc.kit.replay import MemoryReplayCache, RedisReplayCache, ReplayCache
from openkyc.kit.runtime import Runtime, WebhookPolicy
from openkyc.kit.storage import FileObjectStore, ObjectStore
from openkyc.settings import Settings, check_production, master_key


@dataclass
class Platform:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    keyring: Keyring
    store: ObjectStore
    replay: ReplayCache
    limiter: RateLimiter
    master_key_origin: str

    def image_limits(self) -> ImageLimits:
        media = self.settings.media
        return ImageLimits(media.max_image_bytes, media.max_image_pixels, media.min_image_side)

    def runtime(self) -> Runtime:
        settings = self.settings
        return Runtime(
            sessions=self.sessions,
            keyring=self.keyring,
            store=self.store,
            replay=self.replay,
            limiter=self.limiter,
            image_limits=self.image_limits(),
            clock_skew_seconds=settings.auth.clock_skew_seconds,
            key_overlap_hours=settings.auth.key_overlap_hours,
            max_request_bytes=settings.media.max_request_bytes,
            webhooks=WebhookPolicy(
                retry_schedule_seconds=tuple(settings.webhooks.retry_schedule_seconds),
                timeout_seconds=settings.webhooks.timeout_seconds,
                allow_private_targets=settings.webhooks.allow_private_targets
                if settings.webhooks.allow_private_targets is not None
                else not settings.production,
            ),
        )

    def close(self) -> None:
        self.engine.dispose()


def build_store(settings: Settings) -> ObjectStore:
    s3 = settings.s3
    if s3.bucket:
        from openkyc.kit.storage_s3 import S3ObjectStore

        return S3ObjectStore(
            endpoint_url=s3.endpoint_url,
            bucket=s3.bucket,
            access_key=s3.access_key.get_secret_value() if s3.access_key else "",
            secret_key=s3.secret_key.get_secret_value() if s3.secret_key else "",
            region=s3.region,
            prefix=s3.prefix,
        )
    return FileObjectStore(settings.data_dir / "media")


def build_replay_cache(settings: Settings) -> ReplayCache:
    if settings.redis.url:
        return RedisReplayCache(settings.redis.url)
    return MemoryReplayCache()


def build_rate_limiter(settings: Settings) -> RateLimiter:
    if settings.redis.url:
        return RedisRateLimiter(settings.redis.url)
    return MemoryRateLimiter()


def build_platform(settings: Settings, *, migrate: bool = True) -> Platform:
    check_production(settings)
    key = master_key(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = db.create_db_engine(settings.database_url(), echo=settings.database.echo)
    if migrate:
        db.upgrade(engine)
    return Platform(
        settings=settings,
        engine=engine,
        sessions=db.create_sessionmaker(engine),
        keyring=Keyring(key.key),
        store=build_store(settings),
        replay=build_replay_cache(settings),
        limiter=build_rate_limiter(settings),
        master_key_origin=key.origin,
    )
