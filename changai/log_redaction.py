"""Keep workers' conversation ids out of access logs.

A conversation id is the worker's bearer secret (whoever has it reads the conversation and
can write into it), so access logs show ``/conversations/…`` instead. The console's access
logger (:class:`RedactingAccessLogger`) and a filter on Sanic's access logger in the Rasa
server (:func:`redact_sanic_access_log`) both use :func:`redact`.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from aiohttp.abc import BaseRequest, StreamResponse
from aiohttp.web_log import AccessLogger

_CONVERSATION = re.compile(r"(/conversations/)[^/?#\s\"]+")
HIDDEN = r"\1…"


def redact(text: str) -> str:
    """``text`` with every ``/conversations/<id>`` written as ``/conversations/…``."""
    return _CONVERSATION.sub(HIDDEN, text)


class RedactingAccessLogger(AccessLogger):
    """aiohttp's access logger, with conversation ids hidden in every logged value."""

    def _format_line(self, request: BaseRequest, response: StreamResponse, time: float) -> Any:
        return [
            (key, redact(value) if isinstance(value, str) else value)
            for key, value in super()._format_line(request, response, time)
        ]


class _SanicAccessFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for name in ("request", "url"):
            value: Any = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, redact(value))
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def redact_sanic_access_log() -> None:
    """Hide conversation ids in Sanic's access log (the Rasa server's)."""
    for name in ("sanic.access", "sanic.root"):
        logging.getLogger(name).addFilter(_SanicAccessFilter())
