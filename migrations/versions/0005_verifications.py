"""verifications, idempotency keys and versioned workflow configurations

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "workflow_versions",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.String(40), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("config", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.UniqueConstraint("tenant_id", "version", name="uq_workflow_versions_tenant_id"),
    )
    op.create_index("ix_workflow_versions_tenant_id", "workflow_versions", ["tenant_id"])
    op.create_table(
        "verifications",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.String(40), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("job_id", sa.String(40), nullable=False),
        sa.Column("reference", sa.String(200)),
        sa.Column("workflow_version", sa.Integer(), nullable=False),
        sa.Column("config", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("applicant_ciphertext", sa.LargeBinary()),
        sa.Column("callback_endpoint_id", sa.String(40)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decision", sa.String(20)),
        sa.Column("score", sa.Float()),
        sa.Column("result_ciphertext", sa.LargeBinary()),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("completed_at", UTC),
    )
    op.create_index("ix_verifications_tenant_id", "verifications", ["tenant_id"])
    op.create_index("ix_verifications_job_id", "verifications", ["job_id"])
    op.create_table(
        "idempotency_keys",
        sa.Column("tenant_id", sa.String(40), primary_key=True),
        sa.Column("scope", sa.String(40), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("resource_id", sa.String(40), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
    )


def downgrade() -> None:
    for table in ("idempotency_keys", "verifications", "workflow_versions"):
        op.drop_table(table)
