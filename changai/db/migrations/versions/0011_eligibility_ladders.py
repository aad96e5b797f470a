"""Eligibility checks whose outcome is a level (issue #13, skill grading).

``eligibility_checks.ladder`` (JSON, null for an all-of check): the condition whose answer
names the level already held and the ordered targets (levels), each with its clause and its
alternative paths (any of them, each a list of requirements that must all hold).
``eligibility_conditions.ask_if`` (JSON list of requirements: the question is asked only when
they hold) and ``prefill`` (a pattern: what in the first message answers the question).

Revision ID: 0011
Revises: 0009 (point it at 0010 when both are merged)
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("eligibility_checks") as batch:
        batch.add_column(sa.Column("ladder", sa.JSON, nullable=True))
    with op.batch_alter_table("eligibility_conditions") as batch:
        batch.add_column(sa.Column("ask_if", sa.JSON, nullable=True))
        batch.add_column(sa.Column("prefill", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("eligibility_conditions") as batch:
        batch.drop_column("prefill")
        batch.drop_column("ask_if")
    with op.batch_alter_table("eligibility_checks") as batch:
        batch.drop_column("ladder")
