"""Alembic environment: the URL comes from the caller's config or from settings.

Alembic runs this file as a script, the composition root of the schema: it imports every
package's models so that ``Base.metadata`` holds all tables (autogenerate compares them).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import create_engine

import analytics.models  # noqa: F401  (registers the conversation analytics' tables)
import connectors.widget.models  # noqa: F401  (registers the widget channel's tables)
import helpdesk.models  # noqa: F401  (registers the help desk's tables)
import knowledge.models  # noqa: F401  (registers the knowledge base's tables)
from changai.db import Base
from changai.settings import load_settings

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or load_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(_url(), poolclass=pool.NullPool, future=True)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
