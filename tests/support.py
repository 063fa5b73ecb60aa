"""Helpers shared by tests (importable as ``tests.support``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from openkyc.client import OpenKYC
from openkyc.keys import service as keys
from openkyc.kit import crypto
from openkyc.kit.db import transaction
from openkyc.platform import Platform
from openkyc.settings import CryptoSettings, DatabaseSettings, Settings
from openkyc.tenants import service as tenants
from openkyc.tenants.schemas import TenantCreate

TEST_MASTER_KEY = crypto.encode_key(b"openkyc-test-master-key-32bytes!")


def make_settings(data_dir: Path, database_url: str, **overrides: object) -> Settings:
    settings = Settings(
        env="test",
        data_dir=data_dir,
        log_json=True,
        database=DatabaseSettings(url=database_url),
        crypto=CryptoSettings(master_key=TEST_MASTER_KEY),  # type: ignore[arg-type]
    )
    for name, value in overrides.items():
        setattr(settings, name, value)
    return settings


@dataclass(frozen=True)
class TenantKey:
    tenant_id: str
    key_id: str
    secret: str


def create_tenant(platform: Platform, name: str = "Test tenant", plan: str = "pro") -> TenantKey:
    data = TenantCreate(name=name, plan=plan, country="CIV")  # type: ignore[arg-type]
    with transaction(platform.sessions) as session:
        issued = keys.onboard(session, platform.keyring, data, "test")
    return TenantKey(issued.tenant_id, issued.api_key_id, issued.api_key_secret)


def signed_api(client: TestClient, key: TenantKey) -> OpenKYC:
    return OpenKYC(key_id=key.key_id, secret=key.secret, client=client)


def close_past_invoice(platform: Platform, key: TenantKey, period: str = "2026-09") -> str:
    """Bill a few calls in a past month (as the meter would have then) and close its invoice."""
    import datetime as dt
    from decimal import Decimal

    from openkyc.invoices import service as invoices
    from openkyc.usage.models import UsageEvent

    at = dt.datetime.fromisoformat(f"{period}-15T12:00:00+00:00")
    with transaction(platform.sessions) as session:
        for index, (module, price) in enumerate(
            [("face_match", "0.05"), ("ocr", "0.12"), ("face_match", "0.05")]
        ):
            session.add(
                UsageEvent(
                    id=f"use_{key.tenant_id[-8:]}{period}{index}",
                    tenant_id=key.tenant_id,
                    api_key_id=key.key_id,
                    module=module,
                    billed=True,
                    reason="billable",
                    unit_price=Decimal(price),
                    currency="USD",
                    period=period,
                    at=at,
                )
            )
        session.flush()
        invoices.close(session, tenants.get(session, key.tenant_id), period, "test")
    return period
