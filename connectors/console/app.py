"""aiohttp application factory for the console."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp
from aiohttp import web

from changai.settings import Settings, load_settings

STATIC_DIR = Path(__file__).resolve().parent / "static"
SETTINGS_KEY = web.AppKey("settings", Settings)
HTTP_KEY = web.AppKey("http", aiohttp.ClientSession)
MAX_BODY_BYTES = 16 * 1024
RASA_TIMEOUT_SECONDS = 30

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()


@routes.get("/")
async def chat_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "chat.html")


@routes.get("/healthz")
async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@routes.post("/api/chat")
async def chat(request: web.Request) -> web.Response:
    """Forward one worker message to Rasa's REST channel (same origin for the page)."""
    settings = request.app[SETTINGS_KEY]
    try:
        body = await request.json()
    except ValueError:
        return web.json_response({"error": "请求格式不正确"}, status=400)
    if not isinstance(body, dict):
        return web.json_response({"error": "请求格式不正确"}, status=400)
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not isinstance(message, str) or not sender:
        return web.json_response({"error": "缺少 sender 或 message"}, status=400)
    if len(message) > 5000:
        return web.json_response({"error": "消息太长了，请控制在 5000 字以内"}, status=413)
    url = f"{settings.rasa_url}/webhooks/rest/webhook"
    try:
        async with request.app[HTTP_KEY].post(
            url, json={"sender": sender, "message": message}
        ) as response:
            replies = await response.json()
    except (aiohttp.ClientError, TimeoutError) as exc:
        logger.warning("rasa unreachable at %s: %s", url, exc)
        return web.json_response({"error": "小助手暂时连不上，请稍后再试"}, status=502)
    return web.json_response(replies)


async def _http_client(app: web.Application):  # type: ignore[no-untyped-def]
    timeout = aiohttp.ClientTimeout(total=RASA_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        app[HTTP_KEY] = session
        yield


def create_app(settings: Settings | None = None) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[SETTINGS_KEY] = settings or load_settings()
    app.add_routes(routes)
    app.router.add_static("/static/", STATIC_DIR)
    app.cleanup_ctx.append(_http_client)
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = load_settings()
    web.run_app(create_app(settings), host=settings.console_host, port=settings.console_port)


if __name__ == "__main__":
    main()
