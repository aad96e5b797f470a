"""Entries resting on a document whose end date has passed are flagged for review (#12).

The console checks at start and then every hour, in the background, so the 待复核 page only
reads. Flagging is idempotent (once per document and entry until reviewed), so several
console instances may run it side by side.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from changai.background import stop_task
from connectors.console.admin_context import ADMIN
from knowledge import review_flags

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 3600.0


def sweep_once(sessions: sessionmaker, today: dt.date) -> int:
    """Flag the entries of documents past their end date; how many flags were added."""
    with sessions.begin() as session:
        return review_flags.flag_past_end_dates(session, today)


async def _sweep_forever(sessions: sessionmaker, today: Callable[[], dt.date]) -> None:
    while True:
        try:
            flagged = await asyncio.to_thread(sweep_once, sessions, today())
            if flagged:
                logger.info("end-date sweep: %d entries flagged for review", flagged)
        except SQLAlchemyError:
            logger.exception("end-date sweep failed; it runs again in an hour")
        await asyncio.sleep(SWEEP_SECONDS)


async def end_date_sweep(app: web.Application) -> AsyncIterator[None]:
    """aiohttp cleanup context: the sweep runs while the console does."""
    admin = app[ADMIN]
    task = asyncio.create_task(_sweep_forever(admin.sessions, lambda: admin.today()))
    yield
    await stop_task(task)
