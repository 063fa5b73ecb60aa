"""Media rules: intake (checked, upright, stripped), encryption with the tenant's data key,
storage under an opaque key, reads and deletions written to the audit log."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from openkyc.audit import service as audit
from openkyc.kit import crypto
from openkyc.kit.clock import utcnow
from openkyc.kit.db import after_commit, after_rollback
from openkyc.kit.errors import PayloadTooLarge, UnsupportedMediaType
from openkyc.kit.ids import new_id
from openkyc.kit.image_intake import ImageLimits, clean_image
from openkyc.kit.storage import ObjectMissing, ObjectStore, StoreUnavailable
from openkyc.media.errors import MediaNotFound, MediaUnavailable
from openkyc.media.models import MediaObject
from openkyc.media.repository import MediaRepository
from openkyc.tenants import service as tenants
from openkyc.tenants.models import Tenant


@dataclass(frozen=True)
class MediaContext:
    keyring: crypto.Keyring
    store: ObjectStore
    limits: ImageLimits


def _context(media_id: str, tenant_id: str) -> bytes:
    return f"media:{tenant_id}:{media_id}".encode()


def store_image(
    session: Session,
    ctx: MediaContext,
    tenant: Tenant,
    data: bytes,
    purpose: str,
    actor: str,
    field: str = "image",
) -> MediaObject:
    """Check, clean, encrypt and store one image; nothing is kept if any step fails."""
    clean = clean_image(data, ctx.limits, field=field)
    return _store(
        session,
        ctx,
        tenant,
        clean.data,
        purpose,
        actor,
        clean.content_type,
        (clean.width, clean.height),
    )


def _store(
    session: Session,
    ctx: MediaContext,
    tenant: Tenant,
    data: bytes,
    purpose: str,
    actor: str,
    content_type: str,
    size: tuple[int, int],
) -> MediaObject:
    media_id = new_id("med")
    storage_key = f"t/{tenant.id}/{media_id[-2:]}/{secrets.token_hex(16)}"
    sealed = crypto.seal(tenants.data_key(ctx.keyring, tenant), data, _context(media_id, tenant.id))
    try:
        ctx.store.put(storage_key, sealed)
    except StoreUnavailable as exc:
        raise MediaUnavailable("the media store is unavailable; try again later") from exc
    after_rollback(session, lambda: ctx.store.delete(storage_key))
    media = MediaObject(
        id=media_id,
        tenant_id=tenant.id,
        purpose=purpose,
        content_type=content_type,
        width=size[0],
        height=size[1],
        byte_size=len(data),
        sha256=crypto.sha256_hex(data),
        storage_key=storage_key,
        created_at=utcnow(),
    )
    MediaRepository(session).add(media)
    audit.record(
        session,
        action="media.stored",
        actor=actor,
        tenant_id=tenant.id,
        object=f"media:{media_id}",
        details={"purpose": purpose, "bytes": len(data)},
    )
    return media


VIDEO_SIGNATURES = {b"\x1a\x45\xdf\xa3": "video/webm"}  # EBML (WebM, Matroska)
MAX_VIDEO_BYTES = 15 * 1024 * 1024


def sniff_video(data: bytes) -> str | None:
    if data[4:8] == b"ftyp":
        return "video/mp4"
    return next((kind for magic, kind in VIDEO_SIGNATURES.items() if data.startswith(magic)), None)


def store_video(
    session: Session,
    ctx: MediaContext,
    tenant: Tenant,
    data: bytes,
    purpose: str,
    actor: str,
    field: str = "video",
) -> MediaObject:
    """Store a liveness video encrypted as it is: decoding it (and refusing what cannot be
    decoded) is the liveness engine's work; here only its size and container kind are checked."""
    if len(data) > MAX_VIDEO_BYTES:
        raise PayloadTooLarge(
            f"{field} is {len(data)} bytes; the limit is {MAX_VIDEO_BYTES}",
            code="MEDIA_TOO_LARGE",
            details={"field": field},
        )
    content_type = sniff_video(data)
    if content_type is None:
        raise UnsupportedMediaType(
            f"{field} is not a WebM or MP4 video",
            code="MEDIA_UNSUPPORTED_TYPE",
            details={"field": field},
        )
    return _store(session, ctx, tenant, data, purpose, actor, content_type, (0, 0))


def get(session: Session, tenant: Tenant, media_id: str) -> MediaObject:
    media = MediaRepository(session).get(tenant.id, media_id)
    if media is None:
        raise MediaNotFound(f"media {media_id} does not exist")
    return media


def list_media(
    session: Session, tenant: Tenant, limit: int, before: str | None
) -> list[MediaObject]:
    return MediaRepository(session).list_page(tenant.id, limit, before)


def read(
    session: Session,
    ctx: MediaContext,
    tenant: Tenant,
    media_id: str,
    actor: str,
    *,
    audit_now: bool = True,
) -> tuple[MediaObject, bytes]:
    """Decrypt one image for its tenant; every read is audited (by the caller, through
    `record_read`, when ``audit_now`` is False: a job that reads first and writes last)."""
    media = get(session, tenant, media_id)
    try:
        sealed = ctx.store.get(media.storage_key)
    except ObjectMissing as exc:
        raise MediaNotFound(f"media {media_id} has no stored content") from exc
    except StoreUnavailable as exc:
        raise MediaUnavailable("the media store is unavailable; try again later") from exc
    data = crypto.open_sealed(
        tenants.data_key(ctx.keyring, tenant), sealed, _context(media.id, tenant.id)
    )
    if audit_now:
        record_read(session, tenant, media.id, actor)
    return media, data


def record_read(session: Session, tenant: Tenant, media_id: str, actor: str) -> None:
    audit.record(
        session, action="media.read", actor=actor, tenant_id=tenant.id, object=f"media:{media_id}"
    )


def delete(session: Session, ctx: MediaContext, tenant: Tenant, media_id: str, actor: str) -> None:
    """Delete the record now and the stored bytes once the deletion is committed."""
    media = get(session, tenant, media_id)
    storage_key = media.storage_key
    MediaRepository(session).delete(media)
    audit.record(
        session,
        action="media.deleted",
        actor=actor,
        tenant_id=tenant.id,
        object=f"media:{media_id}",
    )
    after_commit(session, lambda: ctx.store.delete(storage_key))
