"""The admin side of the console (``/admin``, role admin): the knowledge editor,
versions, review queue, audit log, 试一试, import/export and unanswered questions.

HTML pages post ordinary forms; ``/admin/api/...`` offers the same actions as
JSON for scripts and tests. Every handler is admin-only and every state change
needs the session's CSRF token (``auth.require``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import aiohttp
from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from changai.settings import Settings
from connectors.console import admin_pages as pages
from connectors.console import auth
from knowledge import catalogue, spreadsheets, unanswered_groups
from knowledge import content_versions as versions
from knowledge.errors import DocumentNotFound, FaqNotFound
from knowledge.lexicon import Lexicon, load_lexicon
from knowledge.models import FaqEntry, FaqStatus, PolicyDocument

routes = web.RouteTableDef()
ADMIN = web.AppKey("admin_context", object)
T = TypeVar("T")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
PARSE_TIMEOUT = aiohttp.ClientTimeout(total=10)
KINDS = {"entries": versions.FAQ, "documents": versions.DOCUMENT}


class AdminContext:
    """What the admin handlers share: sessions, settings, lexicon, the clock, 试一试."""

    def __init__(self, settings: Settings, sessions: sessionmaker) -> None:
        self.settings = settings
        self.sessions = sessions
        self.lexicon: Lexicon = load_lexicon()
        self.today: Callable[[], dt.date] = dt.date.today
        self._service: Any = None
        self._lock = threading.Lock()

    def service(self) -> Any:
        """The assistant's own knowledge service (retrieval index), built on first use."""
        from actions.knowledge_service import KnowledgeService

        with self._lock:
            if self._service is None:
                self._service = KnowledgeService(self.settings, self.sessions)
                self._service.index._today = self.today
            return self._service


def ctx(request: web.Request) -> AdminContext:
    return request.app[ADMIN]  # type: ignore[return-value]


async def blocking(work: Callable[..., T], *args: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(None, work, *args)


def html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _drafts(session: Session) -> int:
    return session.execute(
        select(func.count(FaqEntry.id)).where(FaqEntry.status == FaqStatus.draft.value)
    ).scalar_one()


def _form_raw(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    raw = {name: str(form.get(name, "")) for name in names}
    if "region_sensitive" in names:
        raw["region_sensitive"] = "1" if form.get("region_sensitive") else "0"
    return raw


ENTRY_FORM_FIELDS = (
    "key",
    "status",
    "topic",
    "question",
    "alternatives",
    "answer",
    "region",
    "region_sensitive",
    "tags",
    "document_id",
    "clause",
)
DOCUMENT_FORM_FIELDS = versions.DOCUMENT_SNAPSHOT_FIELDS


# ---- FAQ entries: pages ----


@routes.get("/admin")
@auth.require("admin")
async def entries_page(request: web.Request) -> web.Response:
    c = ctx(request)
    q = request.query
    filters = catalogue.Filters(
        text=q.get("q", "")[:200],
        topic=q.get("topic", ""),
        region=(catalogue.canonical_region(c.lexicon, q.get("region", "")) or q.get("region", "")),
        status=q.get("status", ""),
        document_id=_int(q.get("document")),
    )

    def work() -> str:
        with c.sessions() as session:
            return pages.entries_page(
                request["user"],
                catalogue.search_entries(session=session, filters=filters),
                filters,
                catalogue.search_documents(session=session),
                c.today(),
                _drafts(session),
            )

    return html(await blocking(work))


def _render_entry(
    c: AdminContext, user: auth.CurrentUser, entry_id: int | None, form: pages.EntryForm
) -> str:
    with c.sessions() as session:
        if entry_id is not None:
            entry = session.get(FaqEntry, entry_id)
            if entry is None:
                raise web.HTTPNotFound(text="没有这个条目")
            form.entry_id, form.version = entry.id, entry.version
            form.state = catalogue.serving_state(entry, c.today())
        return pages.entry_form_page(
            user, form, catalogue.search_documents(session=session), c.today()
        )


@routes.get("/admin/entries/new")
@auth.require("admin")
async def new_entry_page(request: web.Request) -> web.Response:
    q = request.query
    values = {
        "status": "draft",
        "region": "全国",
        "question": q.get("question", "")[:200],
        "alternatives": q.get("alternatives", "")[:2000],
        "topic": q.get("topic", ""),
    }
    form = pages.EntryForm(values)
    return html(await blocking(_render_entry, ctx(request), request["user"], None, form))


@routes.get("/admin/entries/{entry_id:\\d+}")
@auth.require("admin")
async def entry_page(request: web.Request) -> web.Response:
    c = ctx(request)
    entry_id = int(request.match_info["entry_id"])

    def work() -> str:
        with c.sessions() as session:
            entry = session.get(FaqEntry, entry_id)
            if entry is None:
                raise web.HTTPNotFound(text="没有这个条目")
            values = pages.entry_values(entry)
        form = pages.EntryForm(values, saved=request.query.get("saved") == "1")
        return _render_entry(c, request["user"], entry_id, form)

    return html(await blocking(work))


def _save_entry(
    c: AdminContext, raw: dict[str, Any], actor: str, entry_id: int | None
) -> tuple[int, dict[str, str]]:
    try:
        with c.sessions.begin() as session:
            entry, _ = catalogue.save_entry(
                session=session,
                lexicon=c.lexicon,
                raw=raw,
                actor=actor,
                entry_id=entry_id,
                today=c.today(),
            )
            return entry.id, {}
    except catalogue.ValidationFailed as failed:
        return entry_id or 0, failed.errors


@routes.post("/admin/entries/new")
@routes.post("/admin/entries/{entry_id:\\d+}")
@auth.require("admin")
async def save_entry_form(request: web.Request) -> web.StreamResponse:
    c = ctx(request)
    entry_id = _int(request.match_info.get("entry_id"))
    raw = _form_raw(await request.post(), ENTRY_FORM_FIELDS)
    try:
        saved_id, errors = await blocking(_save_entry, c, raw, request["user"].username, entry_id)
    except FaqNotFound:
        raise web.HTTPNotFound(text="没有这个条目") from None
    if errors:
        form = pages.EntryForm(raw, errors)
        return html(await blocking(_render_entry, c, request["user"], entry_id, form), 422)
    raise web.HTTPFound(f"/admin/entries/{saved_id}?saved=1")


@routes.post("/admin/entries/{entry_id:\\d+}/status")
@auth.require("admin")
async def entry_status_form(request: web.Request) -> web.StreamResponse:
    c = ctx(request)
    entry_id = int(request.match_info["entry_id"])
    status = str((await request.post()).get("status", ""))

    def work() -> tuple[dict[str, Any], dict[str, str]]:
        with c.sessions() as session:
            entry = session.get(FaqEntry, entry_id)
            if entry is None:
                raise web.HTTPNotFound(text="没有这个条目")
            raw = {**versions.snapshot(entry), "status": status}
        return raw, _save_entry(c, raw, request["user"].username, entry_id)[1]

    raw, errors = await blocking(work)
    if errors:
        form = pages.EntryForm(
            {**raw, "alternatives": "\n".join(raw["alternatives"]), "tags": "、".join(raw["tags"])},
            errors,
        )
        return html(await blocking(_render_entry, c, request["user"], entry_id, form), 422)
    raise web.HTTPFound(f"/admin/entries/{entry_id}?saved=1")


# ---- policy documents: pages ----


@routes.get("/admin/documents")
@auth.require("admin")
async def documents_page(request: web.Request) -> web.Response:
    c = ctx(request)
    text = request.query.get("q", "")[:200]
    status = request.query.get("status", "")
    region_raw = request.query.get("region", "").strip()
    region = catalogue.canonical_region(c.lexicon, region_raw) or region_raw

    def work() -> str:
        with c.sessions() as session:
            counts = dict(
                session.execute(
                    select(FaqEntry.document_id, func.count(FaqEntry.id)).group_by(
                        FaqEntry.document_id
                    )
                ).all()
            )
            return pages.documents_page(
                request["user"],
                catalogue.search_documents(
                    session=session, text=text, status=status, region=region
                ),
                counts,
                c.today(),
                {"q": text, "status": status, "region": region},
            )

    return html(await blocking(work))


def _save_document(
    c: AdminContext, raw: dict[str, Any], actor: str, document_id: int | None
) -> tuple[int, dict[str, str]]:
    try:
        with c.sessions.begin() as session:
            document, _ = catalogue.save_document(
                session=session, lexicon=c.lexicon, raw=raw, actor=actor, document_id=document_id
            )
            return document.id, {}
    except catalogue.ValidationFailed as failed:
        return document_id or 0, failed.errors


@routes.get("/admin/documents/new")
@routes.get("/admin/documents/{document_id:\\d+}")
@auth.require("admin")
async def document_page(request: web.Request) -> web.Response:
    c = ctx(request)
    document_id = _int(request.match_info.get("document_id"))

    def work() -> str:
        if document_id is None:
            return pages.document_form_page(
                request["user"], {"region": "全国", "status": "active"}, {}, None, None
            )
        with c.sessions() as session:
            document = session.get(PolicyDocument, document_id)
            if document is None:
                raise web.HTTPNotFound(text="没有这个政策文件")
            return pages.document_form_page(
                request["user"],
                pages.document_values(document),
                {},
                document.id,
                document.version,
                request.query.get("saved") == "1",
            )

    return html(await blocking(work))


@routes.post("/admin/documents/new")
@routes.post("/admin/documents/{document_id:\\d+}")
@auth.require("admin")
async def save_document_form(request: web.Request) -> web.StreamResponse:
    c = ctx(request)
    document_id = _int(request.match_info.get("document_id"))
    raw = _form_raw(await request.post(), DOCUMENT_FORM_FIELDS)
    try:
        saved_id, errors = await blocking(
            _save_document, c, raw, request["user"].username, document_id
        )
    except DocumentNotFound:
        raise web.HTTPNotFound(text="没有这个政策文件") from None
    if errors:
        return html(pages.document_form_page(request["user"], raw, errors, document_id, None), 422)
    raise web.HTTPFound(f"/admin/documents/{saved_id}?saved=1")


# ---- history and restore ----


def _kind(request: web.Request) -> str:
    kind = KINDS.get(request.match_info["kind"])
    if kind is None:
        raise web.HTTPNotFound()
    return kind


@routes.get("/admin/{kind:entries|documents}/{item_id:\\d+}/history")
@auth.require("admin")
async def history_page(request: web.Request) -> web.Response:
    c = ctx(request)
    kind, item_id = _kind(request), int(request.match_info["item_id"])

    def work() -> str:
        with c.sessions() as session:
            model = FaqEntry if kind == versions.FAQ else PolicyDocument
            item = session.get(model, item_id)
            if item is None:
                raise web.HTTPNotFound(text="没有这一项")
            rows = versions.history(session=session, kind=kind, item_id=item_id)
            current = {r.version: r.data for r in rows}
            left, right = _int(request.query.get("a")), _int(request.query.get("b"))
            if left is None and len(rows) >= 2:
                left, right = rows[1].version, rows[0].version
            changes = (
                versions.diff(current[left], current[right])
                if left in current and right in current
                else []
            )
            if left not in current or right not in current:
                left = right = None
            return pages.history_page(
                request["user"],
                request.match_info["kind"],
                item_id,
                item.key,
                rows,
                left,
                right,
                changes,
            )

    return html(await blocking(work))


def _restore(c: AdminContext, kind: str, item_id: int, version: int, actor: str) -> dict[str, str]:
    try:
        with c.sessions.begin() as session:
            catalogue.restore(
                session=session,
                lexicon=c.lexicon,
                kind=kind,
                item_id=item_id,
                version=version,
                actor=actor,
                today=c.today(),
            )
        return {}
    except catalogue.ValidationFailed as failed:
        return failed.errors
    except (versions.VersionNotFound, FaqNotFound, DocumentNotFound):
        return {"version": "没有这个版本"}


@routes.post("/admin/{kind:entries|documents}/{item_id:\\d+}/restore")
@auth.require("admin")
async def restore_form(request: web.Request) -> web.StreamResponse:
    kind, item_id = _kind(request), int(request.match_info["item_id"])
    version = _int(str((await request.post()).get("version", "")))
    errors = await blocking(
        _restore, ctx(request), kind, item_id, version or 0, request["user"].username
    )
    if errors:
        message = "；".join(errors.values())
        return html(
            pages.admin_layout(
                "无法恢复",
                f'<p class="error" role="alert">无法恢复这个版本：{pages.escape(message)}</p>',
                request["user"],
            ),
            422,
        )
    raise web.HTTPFound(f"/admin/{request.match_info['kind']}/{item_id}?saved=1")


# ---- review queue and audit log ----


@routes.get("/admin/review")
@auth.require("admin")
async def review_page(request: web.Request) -> web.Response:
    c = ctx(request)

    def work() -> str:
        with c.sessions() as session:
            return pages.review_page(request["user"], catalogue.review_queue(session=session))

    return html(await blocking(work))


@routes.get("/admin/audit")
@auth.require("admin")
async def audit_page(request: web.Request) -> web.Response:
    c = ctx(request)

    def work() -> str:
        with c.sessions() as session:
            return pages.audit_page(request["user"], catalogue.audit_log(session=session))

    return html(await blocking(work))


# ---- 试一试 ----


async def _parse(c: AdminContext, text: str) -> dict[str, Any] | None:
    """The Rasa server's own NLU parse (intent and entities), or None when unreachable."""
    params = {"token": c.settings.rasa_token} if c.settings.rasa_token else {}
    try:
        async with aiohttp.ClientSession(timeout=PARSE_TIMEOUT) as http:
            async with http.post(
                f"{c.settings.rasa_url}/model/parse", params=params, json={"text": text}
            ) as response:
                if response.status != 200:
                    return None
                return await response.json()
    except (aiohttp.ClientError, TimeoutError, ValueError):
        return None


def try_question(
    c: AdminContext, parse: dict[str, Any] | None, text: str, region: str
) -> dict[str, Any]:
    """What the assistant would answer: ``changai.ask.decide`` with the same index."""
    from actions.answering import find_answer
    from actions.topics import INTENT_TOPICS
    from changai.ask import _entities, decide

    service = c.service()
    notice = ""
    if parse is None:
        notice = "暂时连不上小助手的语言理解服务，下面按全部话题检索，结果可能与实际回答不同。"
        parse = {"text": text, "intent": {"name": None}, "entities": []}
    region_name = catalogue.canonical_region(c.lexicon, region) or None
    intent = (parse.get("intent") or {}).get("name")
    topic = INTENT_TOPICS.get(intent or "")
    entities = _entities(parse)
    region_used = region_name or (entities.get("region") or [None])[0]
    reply = find_answer(
        service.index,
        service.lexicon,
        parse.get("text") or text,
        topic=topic,
        region=region_used,
        entities=entities,
        threshold=service.settings.retrieval_threshold,
    )
    if notice:
        result_kind, result_text, custom = reply.kind, reply.text, reply.custom
    else:
        decided = decide(service, parse, text, region_name)
        result_kind, result_text, custom = decided.kind, decided.text, decided.custom
    hits = [h for h in [reply.hit, *reply.runners_up] if h is not None]
    chosen = None
    if result_kind == "answer" and custom.get("faq_id"):
        chosen = {"id": custom["faq_id"], "key": custom.get("faq_key"), "score": custom["score"]}
    labels = {
        "escalate": "会转给工会工作人员",
        "clarify": "会先反问是哪方面的问题",
        "not_a_question": "不是政策问题",
        "input_issue": "输入无法识别",
        "no_answer": "知识库中没有足够匹配的条目",
    }
    return {
        "notice": notice,
        "intent": intent,
        "topic": topic,
        "region": region_used,
        "kind": result_kind,
        "kind_label": labels.get(result_kind, result_kind),
        "text": result_text,
        "chosen": chosen,
        "threshold": service.settings.retrieval_threshold,
        "hits": [
            {
                "id": h.entry.id,
                "key": h.entry.key,
                "question": h.entry.question,
                "region": h.entry.region,
                "score": h.score,
            }
            for h in hits
        ],
    }


async def _try(request: web.Request) -> tuple[str, str, dict[str, Any] | None]:
    question = request.query.get("q", "").strip()[:500]
    region = request.query.get("region", "").strip()[:50]
    if not question:
        return question, region, None
    c = ctx(request)
    parse = await _parse(c, question)
    return question, region, await blocking(try_question, c, parse, question, region)


@routes.get("/admin/try")
@auth.require("admin")
async def try_page(request: web.Request) -> web.Response:
    question, region, result = await _try(request)
    return html(pages.try_page(request["user"], question, region, result))


@routes.get("/admin/api/try")
@auth.require("admin")
async def try_api(request: web.Request) -> web.Response:
    _question, _region, result = await _try(request)
    if result is None:
        return web.json_response({"error": "请输入问题"}, status=400)
    return web.json_response(result)


# ---- import / export ----


@routes.get("/admin/export")
@auth.require("admin")
async def export_file(request: web.Request) -> web.Response:
    c = ctx(request)
    kind = request.query.get("kind", spreadsheets.ENTRIES)
    fmt = request.query.get("format", "csv")
    if kind not in spreadsheets.COLUMNS or fmt not in spreadsheets.FORMATS:
        return web.Response(text="不支持的导出类型", status=400)

    def work() -> bytes:
        with c.sessions() as session:
            return spreadsheets.export_file(session=session, kind=kind, fmt=fmt)

    data = await blocking(work)
    content_type = (
        "text/csv"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"changai-{kind}-{c.today():%Y%m%d}.{fmt}"
    return web.Response(
        body=data,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _import(
    c: AdminContext, kind: str, fmt: str, data: bytes, confirm: bool, actor: str
) -> tuple[dict[str, Any], int | None]:
    with c.sessions() as session:
        plan = spreadsheets.plan_import(
            session=session, lexicon=c.lexicon, kind=kind, fmt=fmt, data=data, today=c.today()
        )
        if not confirm or not plan.ok:
            session.rollback()  # the dry run never writes
            return plan.summary(), None
        applied = spreadsheets.apply_import(
            session=session, lexicon=c.lexicon, plan=plan, actor=actor, today=c.today()
        )
        session.commit()
        return plan.summary(), applied


def _format_of(filename: str) -> str | None:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return suffix if suffix in spreadsheets.FORMATS else None


@routes.get("/admin/import")
@auth.require("admin")
async def import_page(request: web.Request) -> web.Response:
    return html(pages.import_page(request["user"]))


@routes.post("/admin/import")
@auth.require("admin")
async def import_form(request: web.Request) -> web.Response:
    form = await request.post()
    upload = form.get("file")
    kind = str(form.get("kind", spreadsheets.ENTRIES))
    fmt = _format_of(getattr(upload, "filename", "") or "")
    if (
        upload is None
        or not hasattr(upload, "file")
        or fmt is None
        or kind not in spreadsheets.COLUMNS
    ):
        summary = {
            "rows": 0,
            "creates": 0,
            "updates": 0,
            "unchanged": 0,
            "problems": [
                {"row": 0, "column": "", "field": "", "message": "请选择 .csv 或 .xlsx 文件"}
            ],
        }
        return html(pages.import_page(request["user"], summary), 400)
    data = upload.file.read(MAX_UPLOAD_BYTES + 1)
    summary, applied = await blocking(
        _import, ctx(request), kind, fmt, data, bool(form.get("confirm")), request["user"].username
    )
    status = 200 if not summary["problems"] else 422
    return html(pages.import_page(request["user"], summary, applied), status)


@routes.post("/admin/api/import")
@auth.require("admin")
async def import_api(request: web.Request) -> web.Response:
    kind = request.query.get("kind", spreadsheets.ENTRIES)
    fmt = request.query.get("format", "csv")
    if kind not in spreadsheets.COLUMNS or fmt not in spreadsheets.FORMATS:
        return web.json_response({"error": "不支持的导入类型"}, status=400)
    data = await request.content.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return web.json_response({"error": "文件太大（最多 5 MB）"}, status=413)
    summary, applied = await blocking(
        _import,
        ctx(request),
        kind,
        fmt,
        data,
        request.query.get("confirm") == "1",
        request["user"].username,
    )
    summary["applied"] = applied
    return web.json_response(summary, status=200 if not summary["problems"] else 422)


# ---- unanswered questions ----


@routes.get("/admin/unanswered")
@auth.require("admin")
async def unanswered_page(request: web.Request) -> web.Response:
    c = ctx(request)
    days = _int(request.query.get("days")) or 30
    topic = request.query.get("topic", "")
    region_raw = request.query.get("region", "").strip()
    region = catalogue.canonical_region(c.lexicon, region_raw) or region_raw

    def work() -> str:
        since = dt.datetime.combine(c.today() - dt.timedelta(days=days), dt.time())
        with c.sessions() as session:
            report = unanswered_groups.report(
                session=session, since=since, topic=topic or None, region=region or None
            )
        return pages.unanswered_page(
            request["user"],
            report.groups,
            {"topic": topic, "region": region, "days": str(days)},
            report.weekly_bars(),
            report.topic_bars(),
        )

    return html(await blocking(work))


# ---- JSON API ----


def _entry_json(entry: FaqEntry, today: dt.date) -> dict[str, Any]:
    served, reason = catalogue.serving_state(entry, today)
    return {
        "id": entry.id,
        "version": entry.version,
        **versions.snapshot(entry),
        "served": served,
        "serving_note": reason,
    }


@routes.get("/admin/api/entries")
@auth.require("admin")
async def entries_api(request: web.Request) -> web.Response:
    c = ctx(request)
    q = request.query
    filters = catalogue.Filters(
        text=q.get("q", ""),
        topic=q.get("topic", ""),
        region=q.get("region", ""),
        status=q.get("status", ""),
        document_id=_int(q.get("document")),
    )

    def work() -> list[dict[str, Any]]:
        with c.sessions() as session:
            return [
                _entry_json(e, c.today())
                for e in catalogue.search_entries(session=session, filters=filters)
            ]

    return web.json_response({"entries": await blocking(work)})


@routes.get("/admin/api/entries/{entry_id:\\d+}")
@auth.require("admin")
async def entry_api(request: web.Request) -> web.Response:
    c = ctx(request)
    entry_id = int(request.match_info["entry_id"])

    def work() -> dict[str, Any] | None:
        with c.sessions() as session:
            entry = session.get(FaqEntry, entry_id)
            return _entry_json(entry, c.today()) if entry is not None else None

    data = await blocking(work)
    if data is None:
        return web.json_response({"error": "没有这个条目"}, status=404)
    return web.json_response(data)


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="请求格式不正确") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="请求格式不正确")
    return body


def _api_save_entry(
    c: AdminContext, body: dict[str, Any], actor: str, entry_id: int | None
) -> tuple[int, dict[str, Any]]:
    with c.sessions() as session:
        if entry_id is not None:
            entry = session.get(FaqEntry, entry_id)
            if entry is None:
                return 404, {"error": "没有这个条目"}
            body = {**versions.snapshot(entry), **body}  # partial update
    saved_id, errors = _save_entry(c, body, actor, entry_id)
    if errors:
        return 422, {"errors": errors}
    with c.sessions() as session:
        return 200, _entry_json(session.get(FaqEntry, saved_id), c.today())


@routes.post("/admin/api/entries")
@routes.post("/admin/api/entries/{entry_id:\\d+}")
@auth.require("admin")
async def save_entry_api(request: web.Request) -> web.Response:
    body = await _json(request)
    entry_id = _int(request.match_info.get("entry_id"))
    status, data = await blocking(
        _api_save_entry, ctx(request), body, request["user"].username, entry_id
    )
    return web.json_response(data, status=status)


@routes.get("/admin/api/{kind:entries|documents}/{item_id:\\d+}/versions")
@auth.require("admin")
async def versions_api(request: web.Request) -> web.Response:
    c = ctx(request)
    kind, item_id = _kind(request), int(request.match_info["item_id"])

    def work() -> list[dict[str, Any]]:
        with c.sessions() as session:
            return [
                {
                    "version": r.version,
                    "action": r.action,
                    "author": r.author,
                    "created_at": r.created_at.isoformat() + "Z",
                    "data": r.data,
                }
                for r in versions.history(session=session, kind=kind, item_id=item_id)
            ]

    return web.json_response({"versions": await blocking(work)})


@routes.post("/admin/api/{kind:entries|documents}/{item_id:\\d+}/restore")
@auth.require("admin")
async def restore_api(request: web.Request) -> web.Response:
    body = await _json(request)
    version = body.get("version")
    if not isinstance(version, int):
        return web.json_response({"error": "请指定版本号"}, status=400)
    errors = await blocking(
        _restore,
        ctx(request),
        _kind(request),
        int(request.match_info["item_id"]),
        version,
        request["user"].username,
    )
    if errors:
        return web.json_response({"errors": errors}, status=422)
    return web.json_response({"ok": True})


@routes.post("/admin/api/documents/{document_id:\\d+}")
@auth.require("admin")
async def save_document_api(request: web.Request) -> web.Response:
    c = ctx(request)
    body = await _json(request)
    document_id = int(request.match_info["document_id"])

    def work() -> tuple[int, dict[str, Any]]:
        with c.sessions() as session:
            document = session.get(PolicyDocument, document_id)
            if document is None:
                return 404, {"error": "没有这个政策文件"}
            merged = {**versions.snapshot(document), **body}
        _id, errors = _save_document(c, merged, request["user"].username, document_id)
        if errors:
            return 422, {"errors": errors}
        return 200, {"ok": True}

    status, data = await blocking(work)
    return web.json_response(data, status=status)


UPLOAD_PATHS = frozenset({"/admin/import", "/admin/api/import"})


@web.middleware
async def upload_limit(request: web.Request, handler: Any) -> web.StreamResponse:
    """Spreadsheet uploads may be larger than the console's small default body limit."""
    if request.method == "POST" and request.path in UPLOAD_PATHS:
        request = request.clone(client_max_size=MAX_UPLOAD_BYTES + 64 * 1024)
    return await handler(request)


def setup(app: web.Application, settings: Settings, sessions: sessionmaker) -> AdminContext:
    context = AdminContext(settings, sessions)
    app[ADMIN] = context
    app.middlewares.append(upload_limit)  # after the session middleware: the user is kept
    app.add_routes(routes)
    return context
