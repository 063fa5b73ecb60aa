from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from openkyc.keys.models import ApiKey


class ApiKeyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def scoped(self, tenant_id: str) -> sa.Select[ApiKey]:
        return sa.select(ApiKey).where(ApiKey.tenant_id == tenant_id)

    def get(self, tenant_id: str, key_id: str) -> ApiKey | None:
        statement = self.scoped(tenant_id).where(ApiKey.id == key_id)
        return self.session.execute(statement).scalar_one_or_none()

    def list_for_tenant(self, tenant_id: str) -> list[ApiKey]:
        statement = self.scoped(tenant_id).order_by(ApiKey.created_at)
        return list(self.session.execute(statement).scalars())

    def usable(self, tenant_id: str) -> list[ApiKey]:
        statement = self.scoped(tenant_id).where(ApiKey.revoked_at.is_(None))
        return list(self.session.execute(statement).scalars())

    def by_key_id(self, key_id: str) -> ApiKey | None:
        """The one lookup not scoped to a tenant, by the public key id: for authentication
        (before the tenant is known) and for the operator (who has only the key id)."""
        return self.session.execute(
            sa.select(ApiKey).where(ApiKey.id == key_id)
        ).scalar_one_or_none()

    def add(self, key: ApiKey) -> None:
        self.session.add(key)
        self.session.flush()
