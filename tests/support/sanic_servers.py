"""Starting Sanic apps (Rasa's server framework) in the test process, several per process.

Sanic rewrites some of its own methods at each start ("touch-up") and can do so more than
once per process only in its test mode, which keeps the original to rewrite again; Sanic's
own test client does the same. Every in-process start in the suite goes through here.
"""

from __future__ import annotations

from typing import Any

from sanic import Sanic


async def start_sanic(app: Sanic, port: int) -> Any:
    """Serve ``app`` on 127.0.0.1:``port`` on the running loop; the ``AsyncioServer``."""
    was, Sanic.test_mode = Sanic.test_mode, True
    try:
        server = await app.create_server(
            host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
        )
        assert server is not None
        await server.startup()
    finally:
        Sanic.test_mode = was
    return server
