"""Documents hold their clauses (issue #12).

A ``policy_clauses`` table (a document's text split into its own units, each with a
stable key and its number as printed), a ``faq_entry_clauses`` link table (the
clauses an FAQ entry rests on), and on ``policy_documents``: legal status (in force,
time-limited until a date, lapsed, replaced), the replacing document, where the text
came from (official / mirror, with the official title) and when it was last checked.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("policy_documents") as batch:
        batch.add_column(
            sa.Column("legal_status", sa.String(20), nullable=False, server_default="in_force")
        )
        batch.add_column(sa.Column("in_force_until", sa.Date, nullable=True))
        batch.add_column(sa.Column("replaced_by_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("source_kind", sa.String(20), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("official_title", sa.String(300), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("checked_on", sa.Date, nullable=True))
        batch.create_foreign_key(
            "fk_policy_documents_replaced_by", "policy_documents", ["replaced_by_id"], ["id"]
        )
    op.create_table(
        "policy_clauses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "document_id",
            sa.Integer,
            sa.ForeignKey("policy_documents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("number", sa.String(50), nullable=False, server_default=""),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("key", name="uq_policy_clauses_key"),
    )
    op.create_index("ix_policy_clauses_document_id", "policy_clauses", ["document_id"])
    op.create_table(
        "faq_entry_clauses",
        sa.Column(
            "entry_id",
            sa.Integer,
            sa.ForeignKey("faq_entries.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "clause_id",
            sa.Integer,
            sa.ForeignKey("policy_clauses.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("faq_entry_clauses")
    op.drop_index("ix_policy_clauses_document_id", table_name="policy_clauses")
    op.drop_table("policy_clauses")
    with op.batch_alter_table("policy_documents") as batch:
        batch.drop_constraint("fk_policy_documents_replaced_by", type_="foreignkey")
        batch.drop_column("checked_on")
        batch.drop_column("official_title")
        batch.drop_column("source_kind")
        batch.drop_column("replaced_by_id")
        batch.drop_column("in_force_until")
        batch.drop_column("legal_status")
