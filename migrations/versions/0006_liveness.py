"""liveness challenges and the per-tenant replay index

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "liveness_challenges",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.String(40), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("steps", sa.Text(), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("session_ref", sa.String(200)),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("used_at", UTC),
    )
    op.create_index("ix_liveness_challenges_tenant_id", "liveness_challenges", ["tenant_id"])
    op.create_table(
        "liveness_fingerprints",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.String(40), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
    )
    op.create_index("ix_liveness_fingerprints_tenant_id", "liveness_fingerprints", ["tenant_id"])
    op.create_index("ix_liveness_fingerprints_created_at", "liveness_fingerprints",
                    ["created_at"])


def downgrade() -> None:
    op.drop_table("liveness_fingerprints")
    op.drop_table("liveness_challenges")
