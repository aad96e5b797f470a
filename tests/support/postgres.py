"""Throwaway PostgreSQL databases for the tests and the benchmarks (``TEST_POSTGRES_ADMIN_URL``)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


class PostgresUnavailable(RuntimeError):
    """The throwaway database could not be created (no server, or no rights)."""


def database_url(name: str) -> str:
    """The URL of database ``name`` on the server of ``POSTGRES_ADMIN_URL``."""
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


@contextmanager
def throwaway_database(prefix: str = "changai_test") -> Iterator[str]:
    """A new, empty database's URL; the database is dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        raise PostgresUnavailable(
            f"PostgreSQL is required for this test ({POSTGRES_ADMIN_URL}): {exc}"
        ) from exc
    try:
        yield database_url(name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
