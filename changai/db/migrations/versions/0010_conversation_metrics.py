"""Conversation analytics fed from Rasa's event broker (#14).

``conversation_metrics`` (per conversation and day: worker messages, answers, unanswered
questions, hand-offs, 有帮助 / 没帮助, ratings) and ``processed_events`` (the id of every event
counted, so a redelivered event is counted once).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COUNTERS = (
    "worker_messages",
    "answered",
    "unanswered",
    "escalated",
    "helpful",
    "unhelpful",
    "rated",
    "rating_sum",
)


def upgrade() -> None:
    op.create_table(
        "conversation_metrics",
        sa.Column("conversation_id", sa.String(100), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        *[sa.Column(name, sa.Integer, nullable=False, server_default="0") for name in COUNTERS],
        sa.Column("last_rating", sa.Integer, nullable=True),
        sa.Column("last_rated_at", sa.DateTime, nullable=True),
        sa.Column("first_event_at", sa.DateTime, nullable=False),
        sa.Column("last_event_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", "day", name="pk_conversation_metrics"),
    )
    op.create_index("ix_conversation_metrics_day", "conversation_metrics", ["day"])
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("conversation_id", sa.String(100), nullable=False),
        sa.Column("event_type", sa.String(40), nullable=False),
        sa.Column("processed_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_processed_events"),
    )
    op.create_index("ix_processed_events_processed_at", "processed_events", ["processed_at"])


def downgrade() -> None:
    op.drop_index("ix_processed_events_processed_at", table_name="processed_events")
    op.drop_table("processed_events")
    op.drop_index("ix_conversation_metrics_day", table_name="conversation_metrics")
    op.drop_table("conversation_metrics")
