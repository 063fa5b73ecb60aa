"""Writing and verifying the audit chain.

``hash = sha256(canonical JSON of {id, at, tenant_id, actor, action, object, details,
prev_hash})``; the first entry's ``prev_hash`` is 64 zeros. ``verify`` recomputes every link
and checks the ids are contiguous and the stored tip matches the last entry, so an edited, a
deleted or a truncated tail entry is found and named.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from openkyc.audit.models import AuditEntry
from openkyc.audit.repository import AuditRepository
from openkyc.kit.clock import as_utc, utcnow
from openkyc.kit.db import transaction
from openkyc.kit.redact import redact

GENESIS_HASH = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
    payload = {
        "id": entry.id,
        "at": as_utc(entry.at).isoformat(timespec="microseconds"),
        "tenant_id": entry.tenant_id,
        "actor": entry.actor,
        "action": entry.action,
        "object": entry.object,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def record(
    session: Session,
    *,
    action: str,
    actor: str,
    tenant_id: str | None = None,
    object: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (it commits or rolls back with the work)."""
    repository = AuditRepository(session)
    entry_id, prev_hash = repository.advance_head()
    entry = AuditEntry(
        id=entry_id,
        at=utcnow(),
        tenant_id=tenant_id,
        actor=actor[:120],
        action=action,
        object=object[:200] if object else None,
        details=json.dumps(redact(details or {}), sort_keys=True, separators=(",", ":")),
        prev_hash=prev_hash,
    )
    entry.hash = entry_hash(entry)
    repository.add(entry)
    repository.set_head_hash(entry.hash)
    return entry


def record_detached(factory: sessionmaker[Session], **fields: Any) -> None:
    """Append one entry in its own transaction: for events whose request is being refused."""
    with transaction(factory) as session:
        record(session, **fields)


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    checked: int
    first_broken_id: int | None = None
    reason: str | None = None


def verify(session: Session) -> ChainReport:
    repository = AuditRepository(session)
    expected_prev, expected_id, checked = GENESIS_HASH, 1, 0
    for entry in repository.iter_all():
        if entry.id != expected_id:
            return ChainReport(
                False,
                checked,
                expected_id,
                f"entry {expected_id} is missing (next present is {entry.id})",
            )
        if entry.prev_hash != expected_prev:
            return ChainReport(
                False, checked, entry.id, f"entry {entry.id} does not link to entry {entry.id - 1}"
            )
        if entry_hash(entry) != entry.hash:
            return ChainReport(
                False, checked, entry.id, f"entry {entry.id} was altered: its hash does not match"
            )
        expected_prev, expected_id, checked = entry.hash, entry.id + 1, checked + 1
    head = repository.head()
    if head.last_id != checked or head.last_hash != expected_prev:
        return ChainReport(
            False,
            checked,
            checked + 1,
            f"the chain tip says {head.last_id} entries, {checked} found: "
            "entries were removed from the end",
        )
    return ChainReport(True, checked)


def list_for_tenant(session: Session, tenant_id: str, limit: int) -> list[AuditEntry]:
    return AuditRepository(session).list_for_tenant(tenant_id, limit)


def search(
    session: Session,
    *,
    tenant_id: str | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    return AuditRepository(session).search(tenant_id, action, since, until, limit)
