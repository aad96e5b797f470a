"""The action server: rasa_sdk's app for ``actions/``, on loopback, behind a shared secret.

``python -m rasa_project.action_server`` replaces ``python -m rasa_sdk``, which listens on
0.0.0.0 and lets anyone who can reach the port post a forged tracker to ``/webhook`` (open
tickets, attach phone numbers, rate tickets, write feedback). Here:

- the server binds ``ACTION_HOST`` (default ``127.0.0.1``) on ``ACTION_PORT`` (5055);
- every request but ``GET /health`` must carry ``X-Action-Token: <ACTION_TOKEN>``, compared
  with ``hmac.compare_digest``; Rasa sends it from ``action_endpoint.headers`` in the
  endpoints file that ``rasa_project.endpoints`` writes (rasa_sdk 3.6 checks no token
  itself, and Rasa's ``token`` option would put the secret in the query string, where access
  logs keep it);
- in production it refuses to start without ``ACTION_TOKEN``; in development without one it
  accepts loopback calls only (``scripts/run.sh`` generates a token for every run);
- CORS is off: no browser ever calls the action server.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import sys
from collections.abc import Callable
from typing import Any

from sanic import Sanic, response
from sanic.request import Request

from changai.gc_freeze import freeze_loaded_objects
from changai.settings import ConfigurationError, Settings, load_settings
from rasa_project.endpoints import ACTION_TOKEN_HEADER

logger = logging.getLogger(__name__)
TOKEN_HEADER = ACTION_TOKEN_HEADER
OPEN_PATHS = {"/health"}
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
REFUSED = {"error": "unauthorized", "message": "未授权的调用"}


def token_ok(expected: str, given: str | None) -> bool:
    """True when ``given`` is the shared secret (constant-time); no secret set: True."""
    if not expected:
        return True
    return given is not None and hmac.compare_digest(
        expected.encode("utf-8"), given.encode("utf-8", "surrogateescape")
    )


def check_start(settings: Settings, host: str) -> None:
    """Refuse to serve without a secret in production, or on a non-loopback address."""
    if settings.is_production and not settings.action_token:
        raise ConfigurationError("production mode needs ACTION_TOKEN for the action server")
    if not settings.action_token and host not in LOOPBACK:
        raise ConfigurationError(f"the action server listens on {host} only with ACTION_TOKEN set")


def protect(app: Sanic, token: str) -> Sanic:
    """Add the shared-secret check to rasa_sdk's ``app``."""

    async def require_token(request: Request) -> Any:
        if request.path in OPEN_PATHS and request.method == "GET":
            return None
        if not token_ok(token, request.headers.get(TOKEN_HEADER)):
            logger.warning("action server: refused %s %s", request.method, request.path)
            return response.json(REFUSED, status=401)
        return None

    app.register_middleware(require_token, "request")
    return app


def prepare_after_start(app: Sanic, warm: Callable[[], object] | None = None) -> Sanic:
    """Once serving: build the knowledge index (``warm``, in a worker thread, so the first
    worker's question does not wait for it: 25 s at 10,000 entries), then freeze what is
    loaded out of full garbage collections (``changai.gc_freeze``). Requests are served
    meanwhile; an action that searches before the index is built waits for it, as before."""

    async def prepare(_app: Sanic, loop: Any) -> None:
        if warm is not None:
            try:
                await loop.run_in_executor(None, warm)
            except Exception:  # the first search builds it then, and reports what failed
                logger.exception("action server: the knowledge index was not built at start")
        freeze_loaded_objects()

    app.register_listener(prepare, "after_server_start")
    return app


def warm_knowledge_index() -> None:
    from knowledge.service import get_service

    index = get_service().index.current()
    logger.info("knowledge index built at start: %d entries", len(index))


def create_app(
    settings: Settings, package: str = "actions", warm: Callable[[], object] | None = None
) -> Sanic:
    from rasa_sdk.endpoint import create_app as sdk_app

    app = protect(sdk_app(package, cors_origins=None), settings.action_token)
    return prepare_after_start(app, warm)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", default="actions", help="the actions package")
    parser.add_argument("--host", help="default: ACTION_HOST, else 127.0.0.1")
    parser.add_argument("--port", type=int, help="default: ACTION_PORT, else 5055")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        settings = load_settings()
        host = args.host or settings.action_host
        check_start(settings, host)
    except ConfigurationError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    port = args.port or settings.action_port
    app = create_app(settings, args.actions, warm=warm_knowledge_index)
    logger.info(
        "action server on http://%s:%d (token %s)",
        host,
        port,
        "required" if settings.action_token else "not set: loopback only",
    )
    app.run(host, port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
