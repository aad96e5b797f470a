"""Eligibility conditions edited in the admin, and regional variants (issue #13).

``eligibility_conditions.version``: the condition's version (its snapshots are rows of
``content_versions`` with kind ``condition``). The unique key becomes (check, key, region):
a region's variant of a condition is a row with the same key and its own region.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("eligibility_conditions") as batch:
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
        batch.drop_constraint("uq_eligibility_condition_key", type_="unique")
        batch.create_unique_constraint(
            "uq_eligibility_condition_region", ["check_id", "key", "region"]
        )


def downgrade() -> None:
    # variants cannot survive the narrower key: the first row of each key (the seed's) stays
    op.execute(
        "DELETE FROM eligibility_conditions WHERE id NOT IN ("
        " SELECT MIN(id) FROM eligibility_conditions GROUP BY check_id, key)"
    )
    with op.batch_alter_table("eligibility_conditions") as batch:
        batch.drop_constraint("uq_eligibility_condition_region", type_="unique")
        batch.create_unique_constraint("uq_eligibility_condition_key", ["check_id", "key"])
        batch.drop_column("version")
