"""The console's HTML: Jinja2 templates (``templates/``) through aiohttp-jinja2.

Autoescaping is on for every template, so a value is always shown as text. The signed-in
user and the CSRF token reach every template through a context processor; a view passes
only what its page shows (``aiohttp_jinja2.render_template`` / ``render_string``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from jinja2.ext import Extension
from jinja2.lexer import Token

from changai.vocabulary import TOPIC_LABELS
from knowledge.content_versions import FIELD_LABELS

_LINE_BREAK = re.compile(r"\n[ \t]*")


class JoinLines(Extension):
    """Template text is written one element a line, indented; the line breaks and the
    indentation after them are not part of the page. A space the page needs where the
    template breaks a line is written ``{{ " " }}``. Values are never touched."""

    def filter_stream(self, stream: Iterable[Token]) -> Iterator[Token]:
        for token in stream:
            if token.type == "data":
                text = _LINE_BREAK.sub("", token.value)
                if not text:
                    continue
                token = Token(token.lineno, "data", text)
            yield token


async def current_user(request: web.Request) -> dict[str, Any]:
    """``user`` (None when signed out) and its ``csrf_token`` for every template."""
    user = request.get("user")
    return {"user": user, "csrf_token": user.csrf_token if user is not None else ""}


def setup(app: web.Application) -> jinja2.Environment:
    """Install the templates. Call after the session middleware is installed: the context
    processor reads the user that middleware puts on the request."""
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("connectors.console", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=[JoinLines],
        context_processors=[current_user],
    )
    app[aiohttp_jinja2.static_root_key] = "/static"
    env.globals.update(topic_labels=TOPIC_LABELS, field_labels=FIELD_LABELS)
    return env
