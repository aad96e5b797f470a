"""Review and versions of a check's ladder (issue #13, skill grading): admins edit the
targets' paths and requirements in the console, like conditions.

``eligibility_checks.ladder_version``: the live ladder's version (versions are stored in
``content_versions``, kind ``ladder``, item the check). ``ladder_pending``,
``ladder_pending_by``, ``ladder_pending_at``: an edited ladder waiting for review beside the
live one, until an admin publishes (发布) or discards (放弃) it.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("eligibility_checks") as batch:
        batch.add_column(
            sa.Column("ladder_version", sa.Integer, nullable=False, server_default="1")
        )
        batch.add_column(sa.Column("ladder_pending", sa.JSON, nullable=True))
        batch.add_column(sa.Column("ladder_pending_by", sa.String(100), nullable=True))
        batch.add_column(sa.Column("ladder_pending_at", sa.DateTime, nullable=True))


def downgrade() -> None:
    # a pending ladder never applied to a worker: it goes with its column
    op.execute("DELETE FROM content_versions WHERE kind = 'ladder'")
    with op.batch_alter_table("eligibility_checks") as batch:
        batch.drop_column("ladder_pending_at")
        batch.drop_column("ladder_pending_by")
        batch.drop_column("ladder_pending")
        batch.drop_column("ladder_version")
