from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from openkyc.kit.db import insert_ignore
from openkyc.verifications.models import IdempotencyKey, Verification


class VerificationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def scoped(self, tenant_id: str) -> sa.Select[Verification]:
        return sa.select(Verification).where(Verification.tenant_id == tenant_id)

    def get(self, tenant_id: str, verification_id: str) -> Verification | None:
        statement = self.scoped(tenant_id).where(Verification.id == verification_id)
        return self.session.execute(statement).scalar_one_or_none()

    def by_job(self, tenant_id: str, job_id: str) -> Verification | None:
        statement = self.scoped(tenant_id).where(Verification.job_id == job_id)
        return self.session.execute(statement).scalar_one_or_none()

    def add(self, verification: Verification) -> None:
        self.session.add(verification)
        self.session.flush()

    def claim_key(self, row: dict[str, object]) -> bool:
        return insert_ignore(self.session, IdempotencyKey.__table__, row)  # type: ignore[arg-type]

    def key(self, tenant_id: str, scope: str, key: str) -> IdempotencyKey | None:
        statement = sa.select(IdempotencyKey).where(
            IdempotencyKey.tenant_id == tenant_id,
            IdempotencyKey.scope == scope,
            IdempotencyKey.key == key,
        )
        return self.session.execute(statement).scalar_one_or_none()
