"""Entries to review again (待复核, issue #12 part 2).

``review_flags``: an FAQ entry flagged because something it rests on changed — a clause's
text or number edited, its document lapsed, replaced or past its end date — with why, what
(the clause or document key), by whom and when; cleared (``cleared_at``, ``cleared_by``)
when the entry is saved again.

Revision ID: 0013
Revises: 0011 (0012 may come from another branch; the chain is fixed at merge)
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_flags",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "entry_id",
            sa.Integer,
            sa.ForeignKey("faq_entries.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("cause", sa.String(20), nullable=False),
        sa.Column("source_key", sa.String(120), nullable=False, server_default=""),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("flagged_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("cleared_at", sa.DateTime, nullable=True),
        sa.Column("cleared_by", sa.String(64), nullable=True),
    )
    op.create_index("ix_review_flags_entry_id", "review_flags", ["entry_id"])


def downgrade() -> None:
    op.drop_index("ix_review_flags_entry_id", table_name="review_flags")
    op.drop_table("review_flags")
