from __future__ import annotations

import pytest
from pydantic import ValidationError

from openkyc.kit.db import transaction
from openkyc.platform import Platform
from openkyc.tenants import service as tenants
from openkyc.tenants.errors import TenantNotFound
from openkyc.tenants.schemas import TenantCreate
from tests.support import TenantKey


def test_blind_index_ignores_case_accents_and_spacing(
    platform: Platform, tenant: TenantKey
) -> None:
    with transaction(platform.sessions) as session:
        owner = tenants.get(session, tenant.tenant_id)
        first = tenants.blind_index(platform.keyring, owner, "surname", "Maëlis  Gaëlle")
        second = tenants.blind_index(platform.keyring, owner, "surname", "MAELIS gaelle")
        assert first == second


def test_blind_indexes_differ_between_tenants(platform: Platform, tenant: TenantKey) -> None:
    from tests.support import create_tenant

    other = create_tenant(platform)
    with transaction(platform.sessions) as session:
        values = {
            tenants.blind_index(platform.keyring, tenants.get(session, t), "email", "a@b.c")
            for t in (tenant.tenant_id, other.tenant_id)
        }
    assert len(values) == 2


def test_unknown_tenant(platform: Platform) -> None:
    with pytest.raises(TenantNotFound), transaction(platform.sessions) as session:
        tenants.get(session, "ten_missing")


@pytest.mark.parametrize(
    "bad",
    [
        {"name": ""},
        {"name": "x", "plan": "gold"},
        {"name": "x", "country": "CI"},
        {"name": "x", "support_email": "not-an-email"},
        {"name": "x", "extra": 1},
    ],
)
def test_tenant_input_is_validated(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        TenantCreate.model_validate(bad)
