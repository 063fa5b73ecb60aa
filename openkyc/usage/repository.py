from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from openkyc.kit.db import insert_ignore
from openkyc.usage.models import UsageCounter, UsageEvent, UsageThreshold


class UsageRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def scoped(self, tenant_id: str) -> sa.Select[UsageEvent]:
        return sa.select(UsageEvent).where(UsageEvent.tenant_id == tenant_id)

    def by_idempotency_key(self, tenant_id: str, module: str, key: str) -> UsageEvent | None:
        statement = self.scoped(tenant_id).where(
            UsageEvent.module == module, UsageEvent.idempotency_key == key
        )
        return self.session.execute(statement).scalar_one_or_none()

    def increment(self, tenant_id: str, period: str, module: str, limit: int | None) -> int | None:
        """Count one call; with a limit, None when the count already reached it. The row lock
        taken by the UPDATE serialises concurrent calls of one tenant and module."""
        insert_ignore(
            self.session,
            UsageCounter.__table__,  # type: ignore[arg-type]
            {"tenant_id": tenant_id, "period": period, "module": module, "calls": 0},
        )
        statement = (
            sa.update(UsageCounter)
            .where(
                UsageCounter.tenant_id == tenant_id,
                UsageCounter.period == period,
                UsageCounter.module == module,
            )
            .values(calls=UsageCounter.calls + 1)
            .returning(UsageCounter.calls)
        )
        if limit is not None:
            statement = statement.where(UsageCounter.calls < limit)
        calls = self.session.execute(statement).scalar_one_or_none()
        return None if calls is None else int(calls)

    def add(self, event: UsageEvent) -> None:
        self.session.add(event)
        self.session.flush()

    def record_threshold(self, row: dict[str, object]) -> bool:
        return insert_ignore(self.session, UsageThreshold.__table__, row)  # type: ignore[arg-type]

    def aggregate(self, tenant_id: str, period: str) -> list[tuple[str, int, int, Decimal]]:
        """Per module: calls, billed calls, billed amount."""
        billed_amount = sa.func.coalesce(
            sa.func.sum(sa.case((UsageEvent.billed, UsageEvent.unit_price), else_=0)), 0
        )
        statement = (
            sa.select(
                UsageEvent.module,
                sa.func.count(),
                sa.func.sum(sa.case((UsageEvent.billed, 1), else_=0)),
                billed_amount,
            )
            .where(UsageEvent.tenant_id == tenant_id, UsageEvent.period == period)
            .group_by(UsageEvent.module)
        )
        return [
            (m, int(c), int(b or 0), Decimal(str(a)))
            for m, c, b, a in self.session.execute(statement).all()
        ]

    def billed_lines(self, tenant_id: str, period: str) -> list[tuple[str, Decimal, int]]:
        """Billed calls grouped by module and unit price (a price may change mid-month)."""
        statement = (
            sa.select(UsageEvent.module, UsageEvent.unit_price, sa.func.count())
            .where(
                UsageEvent.tenant_id == tenant_id,
                UsageEvent.period == period,
                UsageEvent.billed.is_(True),
            )
            .group_by(UsageEvent.module, UsageEvent.unit_price)
            .order_by(UsageEvent.module, UsageEvent.unit_price)
        )
        return [(m, Decimal(str(p)), int(c)) for m, p, c in self.session.execute(statement).all()]

    def count_events(self, tenant_id: str, period: str) -> int:
        statement = sa.select(sa.func.count()).where(
            UsageEvent.tenant_id == tenant_id, UsageEvent.period == period
        )
        return int(self.session.execute(statement).scalar_one())

    def periods_with_events(self, before_period: str) -> list[tuple[str, str]]:
        """(tenant, period) pairs with events in periods before ``before_period``: all tenants,
        for the monthly close job only."""
        statement = (
            sa.select(UsageEvent.tenant_id, UsageEvent.period)
            .where(UsageEvent.period < before_period)
            .distinct()
        )
        return [(t, p) for t, p in self.session.execute(statement).all()]

    def calls(self, tenant_id: str, period: str, module: str) -> int:
        statement = sa.select(UsageCounter.calls).where(
            UsageCounter.tenant_id == tenant_id,
            UsageCounter.period == period,
            UsageCounter.module == module,
        )
        return int(self.session.execute(statement).scalar_one_or_none() or 0)
