"""Finding 12: the SQLite file is 0600, session ids are stored as hashes, the Rasa token is
not on any command line, and conversation ids stay out of access logs."""

from __future__ import annotations

import io
import logging
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from changai.db import make_engine
from changai.log_redaction import RedactingAccessLogger, redact, redact_sanic_access_log
from changai.settings import PROJECT_ROOT
from helpdesk.models import StaffSession
from tests.support.console import console_settings, create_accounts, login, run

CID = "AbCdEfGhIjKlMnOpQrStUvWx"


def test_the_sqlite_file_is_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "var" / "fresh.db"
        make_engine(f"sqlite:///{fresh}").dispose()
        shared = tmp_path / "shared.db"
        shared.touch(mode=0o644)
        make_engine(f"sqlite:///{shared}").dispose()
    finally:
        os.umask(old)
    for file in (fresh, shared):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


def test_session_ids_are_stored_hashed(session_factory, database_url) -> None:
    with session_factory.begin() as session:
        create_accounts(session, ("li", "staff"))
    settings = console_settings(database_url)

    async def scenario(client: TestClient) -> str:
        assert (await login(client, "li")).status == 302
        assert (await client.get("/desk/api/queue")).status == 200
        cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))
        return cookie["changai_session"].value

    token = run(settings, scenario)
    with session_factory() as session:
        stored = list(session.execute(select(StaffSession.id)).scalars())
    assert stored and token not in stored and all(len(s) == 64 for s in stored)


def test_the_rasa_token_is_not_on_the_command_line() -> None:
    procfile = (PROJECT_ROOT / "Procfile").read_text(encoding="utf-8")
    assert "--auth-token" not in procfile and "RASA_TOKEN" not in procfile
    script = (
        "import sys, runpy, os\n"
        "sys.argv = ['x', 'run', '--port', '1']\n"
        "import rasa.__main__ as m\n"
        "m.main = lambda: print(sys.argv, open('/proc/self/cmdline').read())\n"
        "runpy.run_module('rasa_project.rasa_server', run_name='__main__')\n"
    )
    env = {**os.environ, "RASA_TOKEN": "tok-123", "PYTHONPATH": str(PROJECT_ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    ).stdout
    given, cmdline = out.split("] ", 1)
    assert "'--auth-token', 'tok-123'" in given  # Rasa gets it
    assert "tok-123" not in cmdline  # ps does not


def test_conversation_ids_never_reach_access_logs() -> None:
    assert redact(f"GET /api/widget/conversations/{CID}/events?after=3") == (
        "GET /api/widget/conversations/…/events?after=3"
    )
    stream = io.StringIO()
    logger = logging.getLogger("test.access")
    logger.addHandler(logging.StreamHandler(stream))
    logger.setLevel(logging.INFO)
    access = RedactingAccessLogger(logger, '%a "%r" %s')
    from aiohttp.test_utils import make_mocked_request
    from aiohttp.web import Response

    request = make_mocked_request("GET", f"/api/widget/conversations/{CID}/messages?after=1")
    access.log(request, Response(), time.monotonic())
    assert CID not in stream.getvalue() and "/conversations/…/messages" in stream.getvalue()
    redact_sanic_access_log()
    sanic = logging.getLogger("sanic.access")
    sanic.addHandler(logging.StreamHandler(stream))
    sanic.propagate = False
    sanic.setLevel(logging.INFO)
    sanic.info("", extra={"request": f"GET http://x/webhooks/widget/conversations/{CID}/events"})
    sanic.info(f"GET /webhooks/widget/conversations/{CID}/messages")
    assert CID not in stream.getvalue()
