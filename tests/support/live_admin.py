"""The admin of the live-effect tests (an admin edits a check on the running stack and the
next worker's verdict follows): the account, its password, and the time allowed."""

from __future__ import annotations

import aiohttp

from changai.passwords import hash_password
from helpdesk.accounts import create_user, get_user
from tests.desk_client import in_database

PASSWORD = "admin-password-123"
LIVE_WITHIN_SECONDS = 2.0
TIMEOUT = aiohttp.ClientTimeout(total=60)


def ensure_admin(stack) -> None:
    def work(session) -> None:
        if get_user(session=session, username="zhuren") is None:
            create_user(
                session=session,
                username="zhuren",
                display_name="王主任",
                role="admin",
                password_hash=hash_password(PASSWORD),
            )

    in_database(stack, work)
