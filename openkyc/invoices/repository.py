from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from openkyc.invoices.models import Invoice


class InvoiceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def scoped(self, tenant_id: str) -> sa.Select[Invoice]:
        return sa.select(Invoice).where(Invoice.tenant_id == tenant_id)

    def get(self, tenant_id: str, period: str) -> Invoice | None:
        statement = self.scoped(tenant_id).where(Invoice.period == period)
        return self.session.execute(statement).scalar_one_or_none()

    def list_for_tenant(self, tenant_id: str) -> list[Invoice]:
        statement = self.scoped(tenant_id).order_by(Invoice.period.desc())
        return list(self.session.execute(statement).scalars())

    def add(self, invoice: Invoice) -> None:
        self.session.add(invoice)
        self.session.flush()
