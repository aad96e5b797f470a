"""Ticket outcome, closing time and rating; the desk's ticket log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("outcome", sa.String(20), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime, nullable=True))
        batch.add_column(sa.Column("rating", sa.Integer, nullable=True))
    op.create_table(
        "ticket_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ticket_entries")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("rating")
        batch.drop_column("closed_at")
        batch.drop_column("outcome")
