"""Alembic migrations up and down, on SQLite and on a throwaway PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, inspect, text

from knowledge.migrate import downgrade, upgrade

TABLES = {
    "policy_documents",
    "faq_entries",
    "tickets",
    "answer_feedback",
    "unanswered_questions",
    "users",
    "widget_conversations",
    "channel_messages",
}
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def check_up_down_up(url: str) -> None:
    upgrade(url)
    assert tables(url) == TABLES
    downgrade(url, "base")
    assert tables(url) == set()
    upgrade(url)
    assert tables(url) == TABLES


def test_sqlite_up_and_down(tmp_path) -> None:  # type: ignore[no-untyped-def]
    check_up_down_up(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.fixture()
def postgres_url() -> Iterator[str]:
    """A throwaway database, created for this test and dropped afterwards."""
    name = f"changai_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        pytest.fail(f"PostgreSQL is required for this test ({POSTGRES_ADMIN_URL}): {exc}")
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_postgres_up_and_down_and_seed(postgres_url: str) -> None:
    from knowledge.db import make_engine, make_session_factory
    from knowledge.seed_loader import load_seed

    check_up_down_up(postgres_url)
    engine = make_engine(postgres_url)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        first = load_seed(session=session)
    with factory.begin() as session:
        second = load_seed(session=session)
    engine.dispose()
    assert first.entries_changed == first.entries_seen > 0
    assert second.entries_changed == 0
