"""aiohttp application factory for the console."""

from __future__ import annotations

import logging
from pathlib import Path

from aiohttp import web

from changai.db import make_engine, make_session_factory
from changai.settings import Settings, load_settings
from connectors.console import admin_routes, desk_routes, templating, widget_proxy

STATIC_DIR = Path(__file__).resolve().parent / "static"
SETTINGS_KEY = web.AppKey("settings", Settings)

routes = web.RouteTableDef()


@routes.get("/")
async def chat_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "chat.html", headers={"Cache-Control": "no-cache"})


@routes.get("/healthz")
async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app(settings: Settings | None = None) -> web.Application:
    settings = settings or load_settings()
    app = web.Application(client_max_size=widget_proxy.MAX_BODY_BYTES * 2)
    app[SETTINGS_KEY] = settings
    app.add_routes(routes)
    widget_proxy.setup(app, settings)
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    desk_routes.setup(app, settings, sessions)
    admin_routes.setup(app, settings, sessions)
    templating.setup(app)  # after desk_routes: its context processor reads the session's user

    async def dispose(app: web.Application) -> None:
        engine.dispose()

    # aiohttp 3.9's signal annotation disagrees with aiosignal 1.4's generic parameters
    app.on_cleanup.append(dispose)  # type: ignore[arg-type]
    app.router.add_static("/static/", STATIC_DIR)
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = load_settings()
    web.run_app(create_app(settings), host=settings.console_host, port=settings.console_port)


if __name__ == "__main__":
    main()
