"""What the admin views share: the context on the app, small request helpers, and the
saves (validated through ``knowledge.catalogue``) used by both forms and JSON. Domain
errors are raised, not translated: ``errors.error_middleware`` answers them."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any, Protocol

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from changai.db.off_loop import in_session
from changai.settings import Settings
from changai.vocabulary import FaqStatus
from knowledge import catalogue, field_values, listing, validity
from knowledge import content_versions as versions
from knowledge.errors import DocumentNotFound, FaqNotFound
from knowledge.lexicon import Lexicon, load_lexicon
from knowledge.models import ContentVersion, FaqEntry, PolicyDocument

KINDS = {"entries": versions.FAQ, "documents": versions.DOCUMENT}


class Waiting(Protocol):
    """An edit waiting for review: who proposed it, when, and what it proposes."""

    @property
    def by(self) -> str: ...
    @property
    def at(self) -> dt.datetime | None: ...
    @property
    def proposed(self) -> dict[str, Any]: ...


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
        from knowledge.service import KnowledgeService

        with self._lock:
            if self._service is None:
                self._service = KnowledgeService(self.settings, self.sessions)
                self._service.index._today = self.today
            return self._service


ADMIN = web.AppKey("admin_context", AdminContext)


def ctx(request: web.Request) -> AdminContext:
    return request.app[ADMIN]


def html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


async def html_page(request: web.Request, build: Callable[[Session], str]) -> web.Response:
    """The page ``build(session)`` renders, read and rendered in a worker thread."""
    return html(await in_session(ctx(request).sessions, build))


def parse_int(value: str | None) -> int | None:
    """A non-negative ASCII integer that fits the database (at most 18 digits), else None."""
    if not value or not (value.isascii() and value.isdigit()) or len(value) > 18:
        return None
    return int(value)


def region_filter(c: AdminContext, region: str) -> str:
    """A region typed into a filter: its canonical name when the lexicon knows it."""
    return field_values.canonical_region(c.lexicon, region) or region


def entry_filters(c: AdminContext, query: Any) -> listing.Filters:
    """The entry list's filters from a query string (page and API alike)."""
    return listing.Filters(
        text=query.get("q", "")[:200],
        topic=query.get("topic", ""),
        region=region_filter(c, query.get("region", "")),
        status=query.get("status", ""),
        document_id=parse_int(query.get("document")),
    )


def drafts_waiting(session: Session) -> int:
    return session.execute(
        select(func.count(FaqEntry.id)).where(FaqEntry.status == FaqStatus.draft.value)
    ).scalar_one()


def form_raw(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    raw = {name: str(form.get(name, "")) for name in names}
    if "region_sensitive" in names:
        raw["region_sensitive"] = "1" if form.get("region_sensitive") else "0"
    return raw


ENTRY_FORM_FIELDS = versions.FAQ_SNAPSHOT_FIELDS
DOCUMENT_FORM_FIELDS = versions.DOCUMENT_SNAPSHOT_FIELDS


def save_entry(c: AdminContext, raw: dict[str, Any], actor: str, entry_id: int | None) -> int:
    """Save through ``knowledge.catalogue`` (``ValidationFailed``, ``FaqNotFound``)."""
    with c.sessions.begin() as session:
        entry, _ = catalogue.save_entry(
            session=session,
            lexicon=c.lexicon,
            raw=raw,
            actor=actor,
            entry_id=entry_id,
            today=c.today(),
        )
        return entry.id


def save_document(c: AdminContext, raw: dict[str, Any], actor: str, document_id: int | None) -> int:
    """Save through ``knowledge.catalogue`` (``ValidationFailed``, ``DocumentNotFound``)."""
    with c.sessions.begin() as session:
        document, _ = catalogue.save_document(
            session=session, lexicon=c.lexicon, raw=raw, actor=actor, document_id=document_id
        )
        return document.id


def kind_of(request: web.Request) -> str:
    kind = KINDS.get(request.match_info["kind"])
    if kind is None:
        raise web.HTTPNotFound()
    return kind


def restore_version(c: AdminContext, kind: str, item_id: int, version: int, actor: str) -> None:
    """Save an old version again (``ValidationFailed``, ``VersionNotFound``, not found)."""
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


def get_entry(session: Session, entry_id: int) -> FaqEntry:
    entry = session.get(FaqEntry, entry_id)
    if entry is None:
        raise FaqNotFound(str(entry_id))
    return entry


def get_document(session: Session, document_id: int) -> PolicyDocument:
    document = session.get(PolicyDocument, document_id)
    if document is None:
        raise DocumentNotFound(str(document_id))
    return document


def entry_json(entry: FaqEntry, today: dt.date) -> dict[str, Any]:
    served, reason = validity.serving_state(entry, today)
    return {
        "id": entry.id,
        "version": entry.version,
        **versions.snapshot(entry),
        "served": served,
        "serving_note": reason,
    }


def version_json(row: ContentVersion) -> dict[str, Any]:
    """One version of an entry, a document, a condition or a ladder, as the JSON API lists it."""
    return {
        "version": row.version,
        "action": row.action,
        "author": row.author,
        "created_at": row.created_at.isoformat() + "Z",
        "data": row.data,
    }


def pending_json(found: Waiting) -> dict[str, Any]:
    """The common part of what waits for review (a condition's or a ladder's), as JSON."""
    return {
        "by": found.by,
        "at": found.at.isoformat() + "Z" if found.at else None,
        "proposed": found.proposed,
    }
