from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator


class InvoiceLine(BaseModel):
    module: str
    calls: int
    unit_price: Decimal
    amount: Decimal
    discount_percent: Decimal = Decimal("0")
    discount: Decimal = Decimal("0")


class InvoiceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    period: str
    plan: str
    currency: str
    lines: list[InvoiceLine]
    subtotal: Decimal
    discount: Decimal
    total: Decimal
    events_count: int
    closed_at: dt.datetime

    @field_validator("lines", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value
