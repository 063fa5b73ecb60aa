"""Invoices equal the metered events, apply the workflow discount, and never change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from openkyc.client import OpenKYC
from openkyc.invoices import service as invoices
from openkyc.invoices.errors import PeriodOpen
from openkyc.kit.clock import utcnow
from openkyc.kit.db import transaction
from openkyc.platform import Platform
from openkyc.tenants import service as tenants
from openkyc.tenants.plans import DEFAULT_PLANS
from openkyc.usage import service as usage
from openkyc.usage.models import UsageEvent
from tests.support import TenantKey, close_past_invoice


def test_invoice_equals_the_sum_of_billed_events(
    api: OpenKYC, platform: Platform, tenant: TenantKey
) -> None:
    period = close_past_invoice(platform, tenant)
    invoice = api.get(f"/v1/invoices/{period}").json()
    lines = {line["module"]: line for line in invoice["lines"]}
    assert lines["face_match"]["calls"] == 2
    assert Decimal(lines["face_match"]["amount"]) == Decimal("0.10")
    assert Decimal(lines["ocr"]["amount"]) == Decimal("0.12")
    assert Decimal(invoice["total"]) == Decimal("0.22")
    assert invoice["events_count"] == 3
    with transaction(platform.sessions) as session:
        stored = session.execute(
            sa.select(sa.func.sum(UsageEvent.unit_price)).where(
                UsageEvent.tenant_id == tenant.tenant_id,
                UsageEvent.period == period,
                UsageEvent.billed.is_(True),
            )
        ).scalar_one()
    assert Decimal(invoice["subtotal"]) == Decimal(str(stored))


def test_csv_export(api: OpenKYC, platform: Platform, tenant: TenantKey) -> None:
    period = close_past_invoice(platform, tenant)
    response = api.get(f"/v1/invoices/{period}?format=csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = response.text.strip().splitlines()
    assert rows[0].startswith("period,module,calls")
    assert rows[-1].split(",")[:2] == [period, "DUE"]


def test_closed_invoice_never_changes(platform: Platform, tenant: TenantKey) -> None:
    period = close_past_invoice(platform, tenant)
    with transaction(platform.sessions) as session:
        owner = tenants.get(session, tenant.tenant_id)
        first = invoices.close(session, owner, period, "test")
        again = invoices.close(session, owner, period, "test")
        assert first.id == again.id
    with (
        pytest.raises(sa.exc.DBAPIError, match="never changes"),
        platform.engine.begin() as connection,
    ):
        connection.execute(sa.text("UPDATE invoices SET total = 0"))


def test_current_month_cannot_be_closed(platform: Platform, tenant: TenantKey) -> None:
    with transaction(platform.sessions) as session:
        owner = tenants.get(session, tenant.tenant_id)
        with pytest.raises(PeriodOpen):
            invoices.close(session, owner, usage.period_of(utcnow()), "test")


def test_workflow_volume_discount() -> None:
    terms = DEFAULT_PLANS["pro"]
    lines = invoices.build_lines(
        terms, [("workflow", Decimal("0.21"), 12_000), ("ocr", Decimal("0.12"), 10)]
    )
    workflow = next(line for line in lines if line.module == "workflow")
    assert workflow.discount_percent == Decimal(10)
    assert workflow.amount == Decimal("2520.00")
    assert workflow.discount == Decimal("252.00")
    assert next(line for line in lines if line.module == "ocr").discount == 0


def test_unknown_or_open_period_is_404(api: OpenKYC) -> None:
    assert api.get("/v1/invoices/2020-01").json()["error"]["code"] == "INVOICE_NOT_FOUND"
    assert api.get("/v1/invoices/2020-13").json()["error"]["code"] == "PERIOD_INVALID"


def test_close_due_closes_ended_months_once(fresh_platform: Platform) -> None:
    from tests.support import create_tenant

    key = create_tenant(fresh_platform)
    with transaction(fresh_platform.sessions) as session:
        session.add(
            UsageEvent(
                id="use_due_1",
                tenant_id=key.tenant_id,
                module="ocr",
                billed=True,
                reason="billable",
                unit_price=Decimal("0.12"),
                currency="USD",
                period="2026-08",
                at=dt.datetime(2026, 8, 31, 23, 59, tzinfo=dt.UTC),
            )
        )
    with transaction(fresh_platform.sessions) as session:
        closed = invoices.close_due(session)
    with transaction(fresh_platform.sessions) as session:
        assert invoices.close_due(session) == []
    assert [(i.period, str(i.total)) for i in closed] in (
        [("2026-08", "0.12")],
        [("2026-08", "0.1200")],
    )
