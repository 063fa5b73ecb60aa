"""All SQL of the audit log. The chain is global (one tip), so writers serialise on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from openkyc.audit.models import AuditEntry, AuditHead

HEAD_ID = 1


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def advance_head(self) -> tuple[int, str]:
        """Take the next id and the previous hash, locking the tip until the transaction ends."""
        statement = (
            sa.update(AuditHead)
            .where(AuditHead.id == HEAD_ID)
            .values(last_id=AuditHead.last_id + 1)
            .returning(AuditHead.last_id, AuditHead.last_hash)
        )
        row = self.session.execute(statement).one()
        return int(row[0]), str(row[1])

    def set_head_hash(self, entry_hash: str) -> None:
        self.session.execute(
            sa.update(AuditHead).where(AuditHead.id == HEAD_ID).values(last_hash=entry_hash)
        )

    def add(self, entry: AuditEntry) -> None:
        self.session.add(entry)
        self.session.flush()

    def head(self) -> AuditHead:
        return self.session.execute(
            sa.select(AuditHead).where(AuditHead.id == HEAD_ID)
        ).scalar_one()

    def iter_all(self, batch: int = 1000) -> Iterator[AuditEntry]:
        statement = sa.select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=batch)
        yield from self.session.execute(statement).scalars()

    def scoped(self, tenant_id: str) -> sa.Select[AuditEntry]:
        return sa.select(AuditEntry).where(AuditEntry.tenant_id == tenant_id)

    def list_for_tenant(self, tenant_id: str, limit: int = 100) -> list[AuditEntry]:
        statement = self.scoped(tenant_id).order_by(AuditEntry.id.desc()).limit(limit)
        return list(self.session.execute(statement).scalars())

    def search(
        self,
        tenant_id: str | None,
        action: str | None,
        since: dt.datetime | None,
        until: dt.datetime | None,
        limit: int,
    ) -> list[AuditEntry]:
        """Operator search across tenants (never reachable with a tenant's credentials)."""
        statement = sa.select(AuditEntry)
        if tenant_id:
            statement = statement.where(AuditEntry.tenant_id == tenant_id)
        if action:
            statement = statement.where(AuditEntry.action.startswith(action))
        if since:
            statement = statement.where(AuditEntry.at >= since)
        if until:
            statement = statement.where(AuditEntry.at < until)
        statement = statement.order_by(AuditEntry.id.desc()).limit(limit)
        return list(self.session.execute(statement).scalars())
