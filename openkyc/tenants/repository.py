from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from openkyc.tenants.models import PlanRecord, Tenant


class TenantRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def scoped(self, tenant_id: str) -> sa.Select[Tenant]:
        return sa.select(Tenant).where(Tenant.id == tenant_id)

    def get(self, tenant_id: str) -> Tenant | None:
        return self.session.execute(self.scoped(tenant_id)).scalar_one_or_none()

    def add(self, tenant: Tenant) -> None:
        self.session.add(tenant)
        self.session.flush()

    def list_all(self) -> list[Tenant]:
        """Operator view across tenants: never reachable from a tenant's credentials."""
        return list(self.session.execute(sa.select(Tenant).order_by(Tenant.created_at)).scalars())

    def plan(self, plan_id: str) -> PlanRecord | None:
        return self.session.execute(
            sa.select(PlanRecord).where(PlanRecord.id == plan_id)
        ).scalar_one_or_none()

    def plans(self) -> list[PlanRecord]:
        return list(self.session.execute(sa.select(PlanRecord).order_by(PlanRecord.id)).scalars())

    def save_plan(self, record: PlanRecord) -> None:
        self.session.merge(record)
        self.session.flush()
