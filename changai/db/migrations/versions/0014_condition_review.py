"""Review of eligibility condition edits (issue #13): like FAQ entries, nothing an admin
changes in a check's conditions reaches a worker's verdict before it is published.

``eligibility_conditions.status``: ``published`` (read by the checks) or ``draft`` (a region's
new variant, waiting for review). ``pending``, ``pending_by``, ``pending_at``: an edit of a
published condition, stored beside it (the changed fields, in version-snapshot form) until an
admin publishes or discards it. ``eligibility_checks.confirm_with``: who can say whether a
lapsed rule of the check was continued (the card names them).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("eligibility_conditions") as batch:
        batch.add_column(
            sa.Column("status", sa.String(20), nullable=False, server_default="published")
        )
        batch.add_column(sa.Column("pending", sa.JSON, nullable=True))
        batch.add_column(sa.Column("pending_by", sa.String(100), nullable=True))
        batch.add_column(sa.Column("pending_at", sa.DateTime, nullable=True))
    with op.batch_alter_table("eligibility_checks") as batch:
        batch.add_column(sa.Column("confirm_with", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    # drafts never applied to a worker: without the status column they would, so they go
    op.execute("DELETE FROM eligibility_conditions WHERE status = 'draft'")
    with op.batch_alter_table("eligibility_checks") as batch:
        batch.drop_column("confirm_with")
    with op.batch_alter_table("eligibility_conditions") as batch:
        batch.drop_column("pending_at")
        batch.drop_column("pending_by")
        batch.drop_column("pending")
        batch.drop_column("status")
