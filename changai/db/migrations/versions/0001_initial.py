"""Initial schema: documents, FAQ entries, tickets, feedback, unanswered, users.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy_documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(100), nullable=False, unique=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("doc_number", sa.String(100), nullable=False, server_default=""),
        sa.Column("issuer", sa.String(200), nullable=False, server_default=""),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("effective_from", sa.Date, nullable=True),
        sa.Column("expires_on", sa.Date, nullable=True),
        sa.Column("url", sa.String(500), nullable=True),
        sa.Column("source_note", sa.Text, nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "faq_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(100), nullable=False, unique=True),
        sa.Column("topic", sa.String(40), nullable=False, index=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("alternatives", sa.JSON, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("region_sensitive", sa.Boolean, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column(
            "document_id",
            sa.Integer,
            sa.ForeignKey("policy_documents.id"),
            nullable=True,
        ),
        sa.Column("clause", sa.String(300), nullable=False, server_default=""),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(100), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("topic", sa.String(40), nullable=True),
        sa.Column("region", sa.String(50), nullable=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("case_card", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "answer_feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(100), nullable=False, index=True),
        sa.Column("faq_id", sa.Integer, sa.ForeignKey("faq_entries.id"), nullable=True),
        sa.Column("helpful", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "unanswered_questions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(100), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("topic", sa.String(40), nullable=True),
        sa.Column("region", sa.String(50), nullable=True),
        sa.Column("best_score", sa.Float, nullable=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "users",
        "unanswered_questions",
        "answer_feedback",
        "tickets",
        "faq_entries",
        "policy_documents",
    ):
        op.drop_table(table)
