"""The console's error middleware: one place that turns an error into a response.

A domain error (``helpdesk.errors``, ``knowledge.errors``, a failed knowledge save) becomes
its status code and a Chinese message for the operator, an ``aiohttp`` HTTP error raised by
a view or by the log-in checks keeps its status, and anything unexpected becomes 500 with
its traceback in the log, never on the page. API routes (``/api/`` in the path, or a
request that asks for JSON) get ``{"error": message, ...}``; pages get ``error.html``.
Every error is logged with the method, the path, the status and the exception.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from connectors.console.rasa_client import RasaUnavailable
from connectors.console.templating import current_user
from helpdesk.errors import (
    AlreadyClaimed,
    ColleagueNotFound,
    DraftRefused,
    InvalidAccount,
    InvalidCannedReply,
    NoContactLeft,
    NotYours,
    TicketNotClosed,
    TicketNotFound,
    UserExists,
)
from knowledge.catalogue import ValidationFailed
from knowledge.content_versions import VersionNotFound
from knowledge.errors import ConditionNotFound, DocumentNotFound, FaqNotFound, LadderNotFound

logger = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

UNEXPECTED = "系统出错了，操作没有完成。请稍后重试；如果一直出错，请联系管理员。"


def _joined(errors: dict[str, str]) -> str:
    return "；".join(errors.values())


@dataclass(frozen=True)
class Mapping:
    """How one error class is answered: status, Chinese message, extra JSON fields."""

    status: int
    message: str | Callable[[Any], str]
    extra: Callable[[Any], dict[str, Any]] = field(default=lambda exc: {})

    def text(self, exc: Exception) -> str:
        return self.message if isinstance(self.message, str) else self.message(exc)


# One entry per error class, one meaning each (the docstrings in helpdesk/errors.py and
# knowledge/errors.py say which). A subclass not listed takes its nearest listed base.
DOMAIN_ERRORS: dict[type[Exception], Mapping] = {
    TicketNotFound: Mapping(404, "没有这个工单"),
    AlreadyClaimed: Mapping(
        409, lambda e: f"已被{e.claimed_by}接手", lambda e: {"claimed_by": e.claimed_by}
    ),
    NotYours: Mapping(409, "这个工单不在您手上"),
    TicketNotClosed: Mapping(409, "工单关闭后才能存为FAQ草稿"),
    ColleagueNotFound: Mapping(404, "没有这个同事"),
    NoContactLeft: Mapping(404, "职工没有留下手机号"),
    DraftRefused: Mapping(400, lambda e: _joined(e.errors), lambda e: {"errors": e.errors}),
    InvalidCannedReply: Mapping(400, "标题和内容都要填写，标题最多100字，内容最多1000字。"),
    InvalidAccount: Mapping(400, "账号名或角色不正确"),
    UserExists: Mapping(409, "这个账号名已经有人用了"),
    FaqNotFound: Mapping(404, "没有这个条目"),
    DocumentNotFound: Mapping(404, "没有这个政策文件"),
    ConditionNotFound: Mapping(404, "没有这个核对条件"),
    LadderNotFound: Mapping(404, "没有这个等级路径"),
    VersionNotFound: Mapping(404, "没有这个版本"),
    ValidationFailed: Mapping(422, lambda e: _joined(e.errors), lambda e: {"errors": e.errors}),
    RasaUnavailable: Mapping(502, "暂时连不上小助手服务，这次操作没有完成，请稍后重试"),
}

# The message for an aiohttp HTTP error raised without its own (Chinese) text.
STATUS_MESSAGES = {
    400: "请求格式不正确",
    401: "请先登录",
    403: "没有权限访问这个页面",
    404: "没有找到这个页面",
    405: "不支持这种请求方式",
    413: "内容太大了",
    422: "内容有错误，请修改后再试",
    429: "请求太频繁，请稍后再试",
}
TITLES = {
    400: "无法完成",
    401: "请先登录",
    403: "没有权限",
    404: "没有找到",
    409: "无法完成",
    422: "无法完成",
    500: "系统出错",
    502: "暂时连不上",
}


def mapping_for(exc: Exception) -> Mapping | None:
    for cls in type(exc).__mro__:
        if cls in DOMAIN_ERRORS:
            return DOMAIN_ERRORS[cls]
    return None


def wants_json(request: web.Request) -> bool:
    return "/api/" in request.path or request.headers.get("Accept", "").startswith(
        "application/json"
    )


async def error_response(
    request: web.Request, status: int, message: str, extra: dict[str, Any] | None = None
) -> web.StreamResponse:
    """``{"error": message, **extra}`` for an API route, the error page for a page."""
    if wants_json(request):
        return web.json_response({"error": message, **(extra or {})}, status=status)
    # The user bar's values too: an error raised before the template context was made.
    context = {
        **await current_user(request),
        "title": TITLES.get(status, "无法完成"),
        "message": message,
        "status": status,
    }
    try:
        return aiohttp_jinja2.render_template("error.html", request, context, status=status)
    except Exception:  # the page itself failed: still answer in Chinese, without a trace
        logger.exception("error page failed for %s %s", request.method, request.path)
        return web.Response(text=message, status=status, content_type="text/plain")


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _http_message(exc: web.HTTPException) -> str:
    """The error's own text when it is Chinese (ours), else the status's Chinese message
    (aiohttp's own errors, such as a body over the limit, carry English text)."""
    if exc.text and _CJK.search(exc.text):
        return exc.text
    return STATUS_MESSAGES.get(exc.status, "请求无法完成")


def _log(request: web.Request, status: int, exc: Exception) -> None:
    level = logging.INFO if status in {401, 404} else logging.WARNING
    logger.log(
        level,
        "%s %s -> %d %s: %s",
        request.method,
        request.path,
        status,
        type(exc).__name__,
        exc,
    )


def form_problem(request: web.Request, exc: Exception) -> tuple[str, int]:
    """The message and status of a domain error that a form shows on itself (the page with
    the form and what was typed, rather than the error page), logged like any other."""
    mapping = mapping_for(exc)
    if mapping is None:
        raise exc
    _log(request, mapping.status, exc)
    return mapping.text(exc), mapping.status


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The outermost middleware: every error of every route is answered here."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise  # redirects and other non-errors pass through
        _log(request, exc.status, exc)
        response = await error_response(request, exc.status, _http_message(exc))
        for name, value in exc.headers.items():  # Allow, CORS …; not the body's own
            if name.lower() not in {"content-type", "content-length"}:
                response.headers[name] = value
        return response
    except UnicodeDecodeError as exc:  # a form or body that is not UTF-8: the client's fault
        _log(request, 400, exc)
        return await error_response(request, 400, STATUS_MESSAGES[400])
    except Exception as exc:
        mapping = mapping_for(exc)
        if mapping is None:
            logger.exception(
                "%s %s -> 500 unexpected %s", request.method, request.path, type(exc).__name__
            )
            return await error_response(request, 500, UNEXPECTED)
        _log(request, mapping.status, exc)
        return await error_response(request, mapping.status, mapping.text(exc), mapping.extra(exc))
