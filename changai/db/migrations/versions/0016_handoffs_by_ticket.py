"""Hand-offs counted by ticket (#14): tickets opened before this are marked as counted.

The analytics consumer now counts a hand-off under its ticket's id (``ticket:<id>`` in
``processed_events``), from its message or from the ``tickets`` table when the message was
lost (``analytics/metrics_store.py``). A hand-off counted before this was stored under its
message's hash id, so without this its ticket would be counted a second time as soon as its
conversation had another event. Going down removes every ``ticket:`` row (the consumer
before this neither writes nor reads them).

Revision ID: 0016
Revises: 0015 (another branch may take 0016; the chain is fixed at merge)
Create Date: 2026-12-02
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)  # naive UTC, as stored
    op.get_bind().execute(
        sa.text(
            "INSERT INTO processed_events (event_id, conversation_id, event_type, processed_at) "
            "SELECT 'ticket:' || CAST(id AS VARCHAR(20)), conversation_id, 'ticket', :now "
            "FROM tickets"
        ),
        {"now": now},
    )


def downgrade() -> None:
    op.execute("DELETE FROM processed_events WHERE event_id LIKE 'ticket:%'")
