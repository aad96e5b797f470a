"""Alembic migrations up and down, on SQLite and on a throwaway PostgreSQL database."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from changai.db.migrate import downgrade, upgrade

TABLES = {
    "policy_documents",
    "faq_entries",
    "tickets",
    "answer_feedback",
    "unanswered_questions",
    "users",
    "widget_conversations",
    "channel_messages",
    "staff_sessions",
    "canned_replies",
    "ticket_entries",
    "content_versions",
    "audit_log",
    "policy_clauses",
    "faq_entry_clauses",
    "eligibility_checks",
    "eligibility_conditions",
    "conversation_metrics",
    "processed_events",
    "review_flags",
}
ELIGIBILITY_TABLES = {"eligibility_checks", "eligibility_conditions"}  # 0009
ANALYTICS_TABLES = {"conversation_metrics", "processed_events"}  # 0010
REVIEW_TABLES = {"review_flags"}  # 0013
REVIEW_COLUMNS = {"status", "pending", "pending_by", "pending_at"}  # 0014, conditions
# 0015, checks: the ladder's version and its edit waiting for review
LADDER_COLUMNS = {"ladder_version", "ladder_pending", "ladder_pending_by", "ladder_pending_at"}


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


def test_sqlite_up_and_down(tmp_path) -> None:
    check_up_down_up(f"sqlite:///{tmp_path / 'm.db'}")


def faq_columns(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns("faq_entries")}
    finally:
        engine.dispose()


def document_columns(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns("policy_documents")}
    finally:
        engine.dispose()


def test_sqlite_entry_aspects_column_keeps_existing_rows(tmp_path) -> None:
    """0007 adds faq_entries.aspects (empty for existing entries) and removes it again."""
    url = f"sqlite:///{tmp_path / 'a.db'}"
    upgrade(url, "0006")
    assert "aspects" not in faq_columns(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO faq_entries (key, topic, question, alternatives, answer, region,"
                " region_sensitive, tags, clause, status, version, updated_at, updated_by)"
                " VALUES ('old', 'dormitory', '宿舍', '[]', '答', '全国', 0, '[]', '',"
                " 'draft', 1, '2026-01-01', 'x')"
            )
        )
    engine.dispose()
    upgrade(url)
    assert "aspects" in faq_columns(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        value = connection.execute(text("SELECT aspects FROM faq_entries")).scalar_one()
    engine.dispose()
    assert value == "[]"
    downgrade(url, "0006")
    assert "aspects" not in faq_columns(url)


def test_clauses_migration_down_to_0006_and_up_again(tmp_path) -> None:
    """0008 adds the clause tables and the documents' status and source columns, and
    removes exactly those again (#12)."""
    url = f"sqlite:///{tmp_path / 'c.db'}"
    added = {
        "legal_status",
        "in_force_until",
        "replaced_by_id",
        "source_kind",
        "official_title",
        "checked_on",
    }
    upgrade(url)
    assert added <= document_columns(url)
    downgrade(url, "0006")
    assert (
        tables(url)
        == TABLES
        - {"policy_clauses", "faq_entry_clauses"}
        - ELIGIBILITY_TABLES
        - ANALYTICS_TABLES
        - REVIEW_TABLES
    )
    assert not added & document_columns(url)
    upgrade(url)
    assert added <= document_columns(url)


@pytest.mark.postgres
def test_postgres_up_and_down_and_seed(postgres_url: str) -> None:
    from changai.db import make_engine, make_session_factory
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


def test_eligibility_migration_down_to_0008_and_up_again(tmp_path) -> None:
    """0009 adds the eligibility tables and removes exactly those again (#13)."""
    url = f"sqlite:///{tmp_path / 'e.db'}"
    upgrade(url)
    downgrade(url, "0008")
    assert tables(url) == TABLES - ELIGIBILITY_TABLES - ANALYTICS_TABLES - REVIEW_TABLES
    upgrade(url)
    assert tables(url) == TABLES


def test_analytics_migration_down_to_0009_and_up_again(tmp_path) -> None:
    """0010 adds the conversation analytics' tables and removes exactly those again (#14)."""
    url = f"sqlite:///{tmp_path / 'a.db'}"
    upgrade(url)
    downgrade(url, "0009")
    assert tables(url) == TABLES - ANALYTICS_TABLES - REVIEW_TABLES
    upgrade(url)
    assert tables(url) == TABLES


def test_ladder_migration_down_to_0009_and_up_again(tmp_path) -> None:
    """0011 adds the ladder, ask_if and prefill columns and removes exactly those (#13)."""
    url = f"sqlite:///{tmp_path / 'l.db'}"

    def columns() -> dict[str, set[str]]:
        engine = create_engine(url)
        found = {
            table: {c["name"] for c in inspect(engine).get_columns(table)}
            for table in ELIGIBILITY_TABLES
        }
        engine.dispose()
        return found

    upgrade(url)
    added = {"eligibility_checks": {"ladder"}, "eligibility_conditions": {"ask_if", "prefill"}}
    with_ladders = columns()
    assert all(added[t] <= with_ladders[t] for t in added)
    downgrade(url, "0009")
    without = columns()
    later = {  # 0012, 0014 and 0015, gone with it
        "eligibility_conditions": {"version", *REVIEW_COLUMNS},
        "eligibility_checks": {"confirm_with", *LADDER_COLUMNS},
    }
    assert all(with_ladders[t] - without[t] - later.get(t, set()) == added[t] for t in added)
    upgrade(url)
    assert columns() == with_ladders


def test_review_flags_migration_down_to_0012_and_up_again(tmp_path) -> None:
    """0013 adds exactly the review_flags table (待复核, #12 part 2)."""
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    downgrade(url, "0012")
    assert tables(url) == TABLES - REVIEW_TABLES
    upgrade(url)
    assert tables(url) == TABLES


def test_condition_versions_migration_down_to_0011_and_up_again(tmp_path) -> None:
    """0012 adds the condition's version and keys a condition by (check, key, region) (#13)."""
    url = f"sqlite:///{tmp_path / 'v.db'}"

    def shape() -> tuple[set[str], list[list[str]]]:
        engine = create_engine(url)
        found = inspect(engine)
        columns = {c["name"] for c in found.get_columns("eligibility_conditions")}
        unique = sorted(
            u["column_names"] for u in found.get_unique_constraints("eligibility_conditions")
        )
        engine.dispose()
        return columns, unique

    upgrade(url)
    columns, unique = shape()
    assert "version" in columns and unique == [["check_id", "key", "region"]]
    downgrade(url, "0011")
    before, narrow = shape()
    assert columns - before == {"version", *REVIEW_COLUMNS} and narrow == [["check_id", "key"]]
    upgrade(url)
    assert shape() == (columns, unique)


def test_condition_review_migration_down_to_0013_drops_drafts_and_up_again(tmp_path) -> None:
    """0014 adds the condition's review columns and the check's confirm_with; going down, a
    draft variant (never applied to a worker) is deleted rather than made live (#13)."""
    url = f"sqlite:///{tmp_path / 'r.db'}"
    upgrade(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO policy_documents (key, title, doc_number, issuer, region, status,"
                " source_note, updated_by, updated_at, version, legal_status, source_kind,"
                " official_title) VALUES ('d', 't', '', '', '全国', 'active', '', 's',"
                " '2026-12-02', 1, 'in_force', '', '')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO policy_clauses (document_id, key, number, text, position)"
                " VALUES (1, 'd.c', '', 'x', 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO eligibility_checks (key, title, topic, region, how_to_apply, status,"
                " updated_at, updated_by) VALUES ('k', 't', 'x', '全国', '', 'active',"
                " '2026-12-02', 's')"
            )
        )
        for region, status in (("全国", "published"), ("广东", "draft")):
            connection.execute(
                text(
                    "INSERT INTO eligibility_conditions (check_id, key, position, question, slot,"
                    " answer_kind, choices, test, hint, unmet_reason, clause_id, region,"
                    " prefill, version, status) VALUES (1, 'c', 0, 'q', 's', 'months', '[]',"
                    " '{}', '', '', 1, :region, '', 1, :status)"
                ),
                {"region": region, "status": status},
            )
    downgrade(url, "0013")
    columns = {c["name"] for c in inspect(engine).get_columns("eligibility_conditions")}
    assert not columns & REVIEW_COLUMNS
    with engine.connect() as connection:
        regions = connection.execute(text("SELECT region FROM eligibility_conditions")).scalars()
        assert list(regions) == ["全国"]
    upgrade(url)
    with engine.connect() as connection:
        statuses = connection.execute(text("SELECT status FROM eligibility_conditions")).scalars()
        assert list(statuses) == ["published"]
    engine.dispose()


def test_ladder_review_migration_down_to_0014_and_up_again(tmp_path) -> None:
    """0015 adds the ladder's version and its pending edit to the check; going down drops
    them and the ladder's stored versions (kind ladder), and leaves other versions (#13)."""
    url = f"sqlite:///{tmp_path / 'l.db'}"
    upgrade(url)
    engine = create_engine(url)

    def check_columns() -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("eligibility_checks")}

    assert LADDER_COLUMNS <= check_columns()
    with engine.begin() as connection:
        for kind in ("ladder", "faq"):
            connection.execute(
                text(
                    "INSERT INTO content_versions (kind, item_id, version, data, action, author,"
                    " created_at) VALUES (:kind, 1, 1, '{}', 'baseline', 's', '2026-12-03')"
                ),
                {"kind": kind},
            )
    downgrade(url, "0014")
    assert not check_columns() & LADDER_COLUMNS
    with engine.connect() as connection:
        kinds = connection.execute(text("SELECT kind FROM content_versions")).scalars()
        assert list(kinds) == ["faq"]
    upgrade(url)
    assert LADDER_COLUMNS <= check_columns()
    engine.dispose()


def _processed(engine) -> list[tuple[str, str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT event_id, conversation_id, event_type FROM processed_events ORDER BY 1")
        ).all()
    return [tuple(row) for row in rows]


@pytest.mark.parametrize("where", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_handoffs_by_ticket_migration_marks_the_tickets_already_open_as_counted(
    where: str, tmp_path, request
) -> None:
    """0016: a hand-off is counted under its ticket's id now; the tickets opened before were
    counted under their messages' ids, so they are marked counted; going down unmarks them."""
    url = (
        f"sqlite:///{tmp_path / 't.db'}"
        if where == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    upgrade(url, "0015")
    engine = create_engine(url)
    with engine.begin() as connection:
        for conversation in ("c-1", "c-2"):
            connection.execute(
                text(
                    "INSERT INTO tickets (conversation_id, status, reason, question, case_card,"
                    " created_at, updated_at) VALUES (:c, 'waiting', 'request_human', 'q', '{}',"
                    " '2026-12-01 10:00:00', '2026-12-01 10:00:00')"
                ),
                {"c": conversation},
            )
        connection.execute(
            text(
                "INSERT INTO processed_events (event_id, conversation_id, event_type,"
                " processed_at) VALUES (:id, 'c-1', 'bot', '2026-12-01 10:00:01')"
            ),
            {"id": "a" * 64},
        )
        ids = connection.execute(text("SELECT id FROM tickets ORDER BY id")).scalars().all()
    upgrade(url)
    expected = [(f"ticket:{ids[0]}", "c-1", "ticket"), (f"ticket:{ids[1]}", "c-2", "ticket")]
    assert _processed(engine) == sorted([("a" * 64, "c-1", "bot"), *expected])
    downgrade(url, "0015")
    assert _processed(engine) == [("a" * 64, "c-1", "bot")]
    upgrade(url)
    assert len(_processed(engine)) == 3
    engine.dispose()
