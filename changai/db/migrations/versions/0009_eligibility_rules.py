"""Eligibility checks as data (issue #13).

``eligibility_checks`` (a check such as 技能提升补贴: title, topic, region, validity, where
to apply) and ``eligibility_conditions`` (its ordered conditions: the question, the slot it
fills, the answer kind, a declarative test, the hint, the reason when unmet, the clause it
rests on, region and validity).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "eligibility_checks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("region", sa.String(50), nullable=False, server_default="全国"),
        sa.Column("valid_from", sa.Date, nullable=True),
        sa.Column("valid_until", sa.Date, nullable=True),
        sa.Column("how_to_apply", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False, server_default="system"),
        sa.UniqueConstraint("key", name="uq_eligibility_checks_key"),
    )
    op.create_table(
        "eligibility_conditions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "check_id",
            sa.Integer,
            sa.ForeignKey("eligibility_checks.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("slot", sa.String(60), nullable=False),
        sa.Column("answer_kind", sa.String(20), nullable=False),
        sa.Column("choices", sa.JSON, nullable=False),
        sa.Column("test", sa.JSON, nullable=False),
        sa.Column("hint", sa.Text, nullable=False, server_default=""),
        sa.Column("unmet_reason", sa.Text, nullable=False, server_default=""),
        sa.Column(
            "clause_id",
            sa.Integer,
            sa.ForeignKey("policy_clauses.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("region", sa.String(50), nullable=False, server_default="全国"),
        sa.Column("valid_from", sa.Date, nullable=True),
        sa.Column("valid_until", sa.Date, nullable=True),
        sa.UniqueConstraint("check_id", "key", name="uq_eligibility_condition_key"),
    )
    op.create_index("ix_eligibility_conditions_check_id", "eligibility_conditions", ["check_id"])


def downgrade() -> None:
    op.drop_index("ix_eligibility_conditions_check_id", table_name="eligibility_conditions")
    op.drop_table("eligibility_conditions")
    op.drop_table("eligibility_checks")
