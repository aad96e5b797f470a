"""aiohttp application factory for the console: settings, database, Rasa client, the
middlewares (errors, session, upload size, CSRF) and the views of ``views/``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
from aiohttp import web

from changai.db import make_engine, make_session_factory
from changai.log_redaction import RedactingAccessLogger
from changai.settings import Settings, load_settings
from connectors.console import auth, csrf, errors, headers, templating
from connectors.console.admin_context import ADMIN, AdminContext
from connectors.console.appkeys import LIMITER, RASA, SESSIONS, SETTINGS
from connectors.console.end_date_sweep import end_date_sweep
from connectors.console.login_limiter import make_login_limiter
from connectors.console.rasa_client import RasaClient
from connectors.console.views import ROUTE_TABLES, admin_files, widget_proxy

STATIC_DIR = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None) -> web.Application:
    settings = settings or load_settings()
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    app = web.Application(client_max_size=widget_proxy.MAX_BODY_BYTES * 2)
    app[SETTINGS] = settings
    app[SESSIONS] = sessions
    # Shared by every console instance through Redis when REDIS_URL is set.
    app[LIMITER] = make_login_limiter(settings)
    app[ADMIN] = AdminContext(settings, sessions)
    # Outermost first. The error middleware answers whatever the others raise; the CSRF
    # check needs the session's user and, for an upload, the larger body limit.
    app.middlewares.extend(
        [
            errors.error_middleware,
            auth.session_middleware(sessions),
            admin_files.upload_limit,
            csrf.csrf_middleware,
        ]
    )
    for table in ROUTE_TABLES:
        app.add_routes(table)
    app.router.add_static("/static/", STATIC_DIR)
    templating.setup(app)
    headers.setup(app)

    async def rasa_client(app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession() as http:
            app[RASA] = RasaClient(http, settings.rasa_url, settings.rasa_token)
            yield

    async def dispose(app: web.Application) -> None:
        await app[LIMITER].close()
        engine.dispose()

    app.cleanup_ctx.extend([widget_proxy.http_client, rasa_client, end_date_sweep])
    # aiohttp 3.9's signal annotation disagrees with aiosignal 1.4's generic parameters
    app.on_cleanup.append(dispose)  # type: ignore[arg-type]
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = load_settings()
    web.run_app(
        create_app(settings),
        host=settings.console_host,
        port=settings.console_port,
        access_log_class=RedactingAccessLogger,
    )


if __name__ == "__main__":
    main()
