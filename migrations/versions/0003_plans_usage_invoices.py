"""plans as data, metered usage, quota counters and thresholds, invoices, operator tokens

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

from openkyc.tenants.plans import DEFAULT_PLANS

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    plans = op.create_table(
        "plans",
        sa.Column("id", sa.String(20), primary_key=True),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
    )
    now = dt.datetime.now(dt.UTC)
    op.bulk_insert(plans, [{"id": plan_id, "terms": terms.model_dump_json(), "updated_at": now}
                           for plan_id, terms in DEFAULT_PLANS.items()])
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("plan_overrides", sa.Text()))
    _usage()
    op.create_table(
        "invoices",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.String(40), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("plan", sa.String(20), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("subtotal", sa.Numeric(14, 4), nullable=False),
        sa.Column("discount", sa.Numeric(14, 4), nullable=False),
        sa.Column("total", sa.Numeric(14, 4), nullable=False),
        sa.Column("events_count", sa.Integer(), nullable=False),
        sa.Column("closed_at", UTC, nullable=False),
        sa.UniqueConstraint("tenant_id", "period", name="uq_invoices_tenant_id"),
    )
    op.create_index("ix_invoices_tenant_id", "invoices", ["tenant_id"])
    op.create_table(
        "operator_tokens",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("revoked_at", UTC),
    )


def _usage() -> None:
    op.create_table(
        "usage_events",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.String(40), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("api_key_id", sa.String(40)),
        sa.Column("module", sa.String(20), nullable=False),
        sa.Column("job_id", sa.String(40)),
        sa.Column("idempotency_key", sa.String(200)),
        sa.Column("billed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("unit_price", sa.Numeric(12, 4), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("at", UTC, nullable=False),
    )
    op.create_index("ix_usage_events_period", "usage_events", ["tenant_id", "period", "module"])
    op.create_index("uq_usage_events_idempotency", "usage_events",
                    ["tenant_id", "module", "idempotency_key"], unique=True)
    op.create_table(
        "usage_counters",
        sa.Column("tenant_id", sa.String(40), primary_key=True),
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("module", sa.String(20), primary_key=True),
        sa.Column("calls", sa.Integer(), nullable=False),
    )
    op.create_table(
        "usage_thresholds",
        sa.Column("tenant_id", sa.String(40), primary_key=True),
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("module", sa.String(20), primary_key=True),
        sa.Column("percent", sa.Integer(), primary_key=True),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("at", UTC, nullable=False),
    )


def downgrade() -> None:
    for table in ("operator_tokens", "invoices", "usage_thresholds", "usage_counters",
                  "usage_events", "plans"):
        op.drop_table(table)
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("plan_overrides")
