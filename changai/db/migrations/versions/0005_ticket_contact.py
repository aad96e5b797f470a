"""A worker's call-back number on a ticket, stored only with consent.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("contact_phone", sa.String(20), nullable=True))
        batch.add_column(sa.Column("contact_consent_at", sa.DateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("contact_consent_at")
        batch.drop_column("contact_phone")
