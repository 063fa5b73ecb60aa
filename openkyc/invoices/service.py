"""Monthly invoices: lines per module and unit price from the billed usage events, the
workflow's volume discount, totals; closed once the month is over and never changed after."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from openkyc.audit import service as audit
from openkyc.invoices.errors import InvoiceNotFound, PeriodOpen
from openkyc.invoices.models import Invoice
from openkyc.invoices.repository import InvoiceRepository
from openkyc.invoices.schemas import InvoiceLine, InvoiceOut
from openkyc.kit.clock import utcnow
from openkyc.kit.ids import new_id
from openkyc.tenants import service as tenants
from openkyc.tenants.models import Tenant
from openkyc.tenants.plans import PlanTerms
from openkyc.usage import service as usage

CENT = Decimal("0.0001")
CLOSE_GRACE = dt.timedelta(hours=1)  # late transactions of the month's last second commit


def period_end(period: str) -> dt.datetime:
    year, month = (int(part) for part in period.split("-"))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dt.datetime(year, month, 1, tzinfo=dt.UTC)


def _discount_percent(terms: PlanTerms, calls: int) -> Decimal:
    reached = [tier.percent for tier in terms.discount_tiers if calls >= tier.min_calls]
    return max(reached, default=Decimal("0"))


def build_lines(terms: PlanTerms, billed: list[tuple[str, Decimal, int]]) -> list[InvoiceLine]:
    workflow_calls = sum(calls for module, _, calls in billed if module == "workflow")
    percent = _discount_percent(terms, workflow_calls)
    lines = []
    for module, price, calls in billed:
        amount = (price * calls).quantize(CENT, ROUND_HALF_UP)
        line = InvoiceLine(module=module, calls=calls, unit_price=price, amount=amount)
        if module == "workflow" and percent:
            discount = (amount * percent / 100).quantize(CENT, ROUND_HALF_UP)
            line = line.model_copy(update={"discount_percent": percent, "discount": discount})
        lines.append(line)
    return lines


def close(session: Session, tenant: Tenant, period: str, actor: str) -> Invoice:
    """Close ``period`` for ``tenant`` (idempotent: a closed invoice is returned as it is)."""
    repository = InvoiceRepository(session)
    existing = repository.get(tenant.id, usage.parse_period(period))
    if existing is not None:
        return existing
    if utcnow() < period_end(period) + CLOSE_GRACE:
        raise PeriodOpen(
            f"{period} is not over yet; it closes at "
            f"{(period_end(period) + CLOSE_GRACE).isoformat()}"
        )
    terms = tenants.terms(session, tenant)
    lines = build_lines(terms, usage.billed_lines(session, tenant.id, period))
    subtotal = sum((line.amount for line in lines), Decimal("0"))
    discount = sum((line.discount for line in lines), Decimal("0"))
    invoice = Invoice(
        id=new_id("inv"),
        tenant_id=tenant.id,
        period=period,
        plan=tenant.plan,
        currency=terms.currency,
        lines=json.dumps([line.model_dump(mode="json") for line in lines]),
        subtotal=subtotal,
        discount=discount,
        total=subtotal - discount,
        events_count=usage.count_events(session, tenant.id, period),
        closed_at=utcnow(),
    )
    repository.add(invoice)
    audit.record(
        session,
        action="invoice.closed",
        actor=actor,
        tenant_id=tenant.id,
        object=f"invoice:{invoice.id}",
        details={"period": period, "total": str(invoice.total)},
    )
    return invoice


def close_due(session: Session, actor: str = "scheduler") -> list[Invoice]:
    """Close every ended month that has usage and no invoice yet (the monthly job)."""
    now = utcnow()
    current = usage.period_of(now - CLOSE_GRACE)
    closed = []
    for tenant_id, period in usage.periods_before(session, current):
        if InvoiceRepository(session).get(tenant_id, period) is None:
            closed.append(close(session, tenants.get(session, tenant_id), period, actor))
    return closed


def get(session: Session, tenant: Tenant, period: str) -> Invoice:
    invoice = InvoiceRepository(session).get(tenant.id, usage.parse_period(period))
    if invoice is None:
        raise InvoiceNotFound(f"no closed invoice for {period}")
    return invoice


def list_invoices(session: Session, tenant: Tenant) -> list[Invoice]:
    return InvoiceRepository(session).list_for_tenant(tenant.id)


def to_csv(invoice: InvoiceOut) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "period",
            "module",
            "calls",
            "unit_price",
            "amount",
            "discount_percent",
            "discount",
            "currency",
        ]
    )
    for line in invoice.lines:
        writer.writerow(
            [
                invoice.period,
                line.module,
                line.calls,
                line.unit_price,
                line.amount,
                line.discount_percent,
                line.discount,
                invoice.currency,
            ]
        )
    writer.writerow(
        [
            invoice.period,
            "TOTAL",
            sum(line.calls for line in invoice.lines),
            "",
            invoice.subtotal,
            "",
            invoice.discount,
            invoice.currency,
        ]
    )
    writer.writerow([invoice.period, "DUE", "", "", invoice.total, "", "", invoice.currency])
    return buffer.getvalue()
