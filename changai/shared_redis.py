"""The asyncio Redis client that console and widget-channel instances share state through.

Every call has a short timeout: Redis is a helper here (wake-ups, log-in limits), never the
source of truth, so a slow or absent server must fail fast and let the caller fall back.
"""

from __future__ import annotations

import redis.asyncio

CONNECT_SECONDS = 1.0
COMMAND_SECONDS = 1.0


def async_redis(url: str) -> redis.asyncio.Redis:
    """A client (its own connection pool) for ``url``; nothing is connected until first use."""
    return redis.asyncio.Redis.from_url(
        url,
        socket_connect_timeout=CONNECT_SECONDS,
        socket_timeout=COMMAND_SECONDS,
        socket_keepalive=True,
    )


async def close_redis(client: redis.asyncio.Redis) -> None:
    """Close ``client`` and disconnect its connection pool."""
    await client.close()
    await client.connection_pool.disconnect()
