"""Database work off the event loop: a function of a session, run in a worker thread.

The console's handlers and the widget channel are async; SQLAlchemy here is not. Each of them
hands its database work to ``asyncio.to_thread`` with a session of its own, either a plain one
for reading (``in_session``) or one whose transaction is committed when the work returns and
rolled back when it raises (``in_transaction``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")


async def in_session(sessions: sessionmaker, work: Callable[[Session], T]) -> T:
    """``work(session)`` with a new session of ``sessions``, in a worker thread."""

    def run() -> T:
        with sessions() as session:
            return work(session)

    return await asyncio.to_thread(run)


async def in_transaction(sessions: sessionmaker, work: Callable[[Session], T]) -> T:
    """``work(session)`` inside a transaction (committed on return), in a worker thread."""

    def run() -> T:
        with sessions.begin() as session:
            return work(session)

    return await asyncio.to_thread(run)
