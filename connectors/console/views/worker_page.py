"""The worker's chat page (``/``) and the console's health check."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
routes = web.RouteTableDef()


@routes.get("/")
async def chat_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "chat.html", headers={"Cache-Control": "no-cache"})


@routes.get("/healthz")
async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})
