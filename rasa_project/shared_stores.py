"""Rasa's Redis lock store and RabbitMQ event broker, configured from one URL each.

Rasa's own ``RedisLockStore`` and ``PikaEventBroker`` take a host, a port and a password as
separate settings. Production configures each server with one URL (``REDIS_URL``,
``RABBITMQ_URL``), and the endpoints file that ``python -m rasa_project.endpoints`` writes
names the variable (``url: ${REDIS_URL}``, expanded by Rasa when it reads the file), so
no password is copied into a file. These subclasses only read that URL; locking and
publishing are Rasa's.
"""

from __future__ import annotations

from asyncio import AbstractEventLoop
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis
from rasa.core.brokers.pika import PikaEventBroker
from rasa.core.lock_store import DEFAULT_SOCKET_TIMEOUT_IN_SECONDS, RedisLockStore
from rasa.utils.endpoints import EndpointConfig


def redacted(url: str) -> str:
    """``url`` without its password, for log lines."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + netloc))


class RedisURLLockStore(RedisLockStore):
    """``RedisLockStore`` on the server that ``url`` names (``redis://`` or ``rediss://``)."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        kwargs = endpoint_config.kwargs
        if not endpoint_config.url:
            raise ValueError("RedisURLLockStore needs a url (REDIS_URL)")
        socket_timeout = float(kwargs.get("socket_timeout", DEFAULT_SOCKET_TIMEOUT_IN_SECONDS))
        super().__init__(key_prefix=kwargs.get("key_prefix"), socket_timeout=socket_timeout)
        # redis-py reads host, port, database, user, password and TLS from the URL
        self.red = redis.StrictRedis.from_url(endpoint_config.url, socket_timeout=socket_timeout)


class URLPikaEventBroker(PikaEventBroker):
    """``PikaEventBroker`` connecting to ``url`` (``amqp://user:password@host:5672/vhost``)."""

    def __init__(
        self,
        host: str,
        username: str = "",
        password: str = "",
        event_loop: AbstractEventLoop | None = None,
        **kwargs: Any,
    ) -> None:
        parts = urlsplit(host)
        self._amqp_url = host
        # Rasa logs ``host``: hand it the URL without its password.
        super().__init__(
            redacted(host),
            username or parts.username or "guest",
            password or parts.password or "guest",
            port=parts.port or (5671 if parts.scheme == "amqps" else 5672),
            event_loop=event_loop,
            **kwargs,
        )

    def _configure_url(self) -> str | None:
        return self._amqp_url
