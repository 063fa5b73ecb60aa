"""webhooks: endpoints, events, deliveries and every attempt; invoices immutable

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.String(40), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("description", sa.String(200)),
        sa.Column("event_types", sa.Text(), nullable=False),
        sa.Column("secret_ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("deleted_at", UTC),
    )
    op.create_index("ix_webhook_endpoints_tenant_id", "webhook_endpoints", ["tenant_id"])
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.String(40), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("type", sa.String(60), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
    )
    op.create_index("ix_webhook_events_tenant_id", "webhook_events", ["tenant_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.String(40), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("event_id", sa.String(40), sa.ForeignKey("webhook_events.id"), nullable=False),
        sa.Column("endpoint_id", sa.String(40), sa.ForeignKey("webhook_endpoints.id"),
                  nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
    )
    for column in ("tenant_id", "event_id", "endpoint_id"):
        op.create_index(f"ix_webhook_deliveries_{column}", "webhook_deliveries", [column])
    op.create_table(
        "webhook_attempts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.String(40), nullable=False),
        sa.Column("delivery_id", sa.String(40), sa.ForeignKey("webhook_deliveries.id"),
                  nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("status_code", sa.Integer()),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("response_snippet", sa.String(500)),
        sa.Column("error", sa.String(500)),
    )
    op.create_index("ix_webhook_attempts_tenant_id", "webhook_attempts", ["tenant_id"])
    op.create_index("ix_webhook_attempts_delivery_id", "webhook_attempts", ["delivery_id"])
    _immutable_invoices()


def _immutable_invoices() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION openkyc_invoice_closed() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'a closed invoice never changes'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER invoices_closed BEFORE UPDATE OR DELETE ON invoices "
            "FOR EACH ROW EXECUTE FUNCTION openkyc_invoice_closed()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER invoices_no_{verb.lower()} BEFORE {verb} ON invoices "
                "BEGIN SELECT RAISE(ABORT, 'a closed invoice never changes'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS invoices_closed ON invoices")
        op.execute("DROP FUNCTION IF EXISTS openkyc_invoice_closed()")
    for table in ("webhook_attempts", "webhook_deliveries", "webhook_events",
                  "webhook_endpoints"):
        op.drop_table(table)
