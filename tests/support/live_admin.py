"""The admin of the live-effect tests (an admin edits a check on the running stack and the
next worker's verdict follows): the account, its password, and the time allowed."""

from __future__ import annotations

import aiohttp

from tests.desk_client import ensure_account

PASSWORD = "admin-password-123"
LIVE_WITHIN_SECONDS = 2.0
TIMEOUT = aiohttp.ClientTimeout(total=60)


def ensure_admin(stack) -> None:
    ensure_account(stack, "zhuren", "王主任", "admin", PASSWORD)
