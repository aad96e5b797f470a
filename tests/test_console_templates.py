"""The console's HTML comes from Jinja2 templates only, and every template escapes.

Every page template is rendered with an HTML/script payload in every value it shows; the
payload must come back as text. No Python module of the console may build HTML itself."""

from __future__ import annotations

import datetime as dt
import io
import re
import tokenize
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, make_mocked_request
from aiohttp_jinja2 import get_env, render_string

from changai.passwords import hash_password
from connectors.console import templating
from connectors.console.admin_pages import Flag
from helpdesk.accounts import create_user
from knowledge.content_versions import FIELD_LABELS
from tests.support.console import PASSWORD, console_settings, login, run

CONSOLE = Path(__file__).resolve().parent.parent / "connectors" / "console"
P = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"
RAW = ("<script>alert", "<img src=x", "onerror=alert(2)>")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
WHEN = dt.datetime(2026, 11, 20, 9, 30)


def _user() -> SimpleNamespace:
    return SimpleNamespace(display_name=P, role="admin", csrf_token=P)


def _entry() -> SimpleNamespace:
    return SimpleNamespace(
        id=1, key=P, question=P, answer=P, region=P, version=2, updated_by=P, updated_at=WHEN
    )


def _document() -> SimpleNamespace:
    return SimpleNamespace(
        id=1, key=P, title=P, doc_number=P, region=P, effective_from=P, expires_on=P
    )


def _values() -> dict[str, str]:
    return dict.fromkeys(FIELD_LABELS, P)


def _level() -> dict:
    """A level of a ladder as the pages show it (connectors.console.ladder_admin)."""
    clause = {"key": P, "number": P, "text": P, "document": P, "doc_number": P}
    requirement = {"condition": P, "op": P, "value": P, "text": P, "test": P}
    return {"key": P, "level": P, "label": P, "clause": clause, "paths": [[requirement]]}


ERRORS = {name: P for name in ("key", "status", "region_sensitive", "title", "answer")}
PAIRS = [(P, P), ("", P)]
GROUP = SimpleNamespace(count=3, representative=P, phrasings=[P, P])

# Every page template and a context with the payload in every value the page shows.
PAGES: dict[str, dict] = {
    "login.html": {"error": P, "next_path": P},
    "desk/queue.html": {"regions": [P]},
    "desk/ticket.html": {"ticket_id": 7},
    "admin/canned.html": {"replies": [(1, P, P)], "error": P},
    "admin/entries.html": {
        "rows": [
            {"entry": _entry(), "topic": P, "status": P, "flags": [Flag("warn", P, True)]},
        ],
        "filters": SimpleNamespace(text=P, topic=P, region=P, status=P),
        "topic_pairs": PAIRS,
        "status_pairs": PAIRS,
        "document_pairs": PAIRS,
        "document_selected": P,
        "drafts": 3,
    },
    "admin/entry_form.html": {
        "values": _values(),
        "errors": ERRORS,
        "entry_id": 1,
        "version": 2,
        "state": Flag("bad", P),
        "saved": True,
        "region_sensitive": True,
        "status_pairs": PAIRS,
        "topic_pairs": PAIRS,
        "document_pairs": PAIRS,
        "max_answer_chars": 1000,
        "aspect_choices": P,
    },
    "admin/documents.html": {
        "rows": [(_document(), Flag("ok", P), 4)],
        "expiring": 1,
        "filters": {"q": P, "region": P, "status": P},
        "status_pairs": PAIRS,
    },
    "admin/document_form.html": {
        "values": _values(),
        "errors": ERRORS,
        "document_id": 1,
        "version": 2,
        "saved": True,
        "status_pairs": PAIRS,
    },
    "admin/document_import.html": {
        "values": _values(),
        "clauses": [SimpleNamespace(key=P, number=P, text=P, chapter=P)],
        "problem": P,
        "errors": {"key": P, "clauses": P},
        "source": P,
        "pasted": P,
        "fields": ("key", "title"),
        "max_mb": 10,
    },
    "admin/document_clauses.html": {
        "document": SimpleNamespace(
            id=1,
            title=P,
            doc_number=P,
            issuer=P,
            region=P,
            clauses=[SimpleNamespace(id=1, key=P, number=P, text=P)],
        ),
        "entries": {1: [(1, P)]},
        "imported": True,
    },
    "admin/review_flags.html": {
        "flags": [
            SimpleNamespace(
                entry_id=1,
                entry=SimpleNamespace(key=P, question=P),
                reason=P,
                flagged_by=P,
                created_at=WHEN,
            )
        ]
    },
    "admin/history.html": {
        "base": P,
        "item_title": P,
        "versions": [(SimpleNamespace(version=1, author=P, created_at=WHEN), P)],
        "left": 1,
        "right": 2,
        "changes": [(P, P, P)],
    },
    "admin/restore_failed.html": {"message": P},
    "admin/checks.html": {
        "checks": [
            (
                SimpleNamespace(
                    title=P, key=P, region=P, id=1, ladder_version=2, ladder_pending={}
                ),
                [
                    (
                        SimpleNamespace(
                            id=1,
                            key=P,
                            region=P,
                            question=P,
                            version=2,
                            status="published",
                            pending={"test": P},
                        ),
                        P,
                    )
                ],
                [_level()],
            )
        ],
        "waiting": 1,
        "path_lines": lambda level: [P],
    },
    "admin/ladder.html": {
        "check": SimpleNamespace(id=1, title=P, ladder_version=2),
        "targets": [_level()],
        "live": {P: [P]},
        "proposed": {P: [P]},
        "review": SimpleNamespace(by=P, at=WHEN, changed=[P]),
        "conditions": PAIRS,
        "ops": PAIRS,
        "form_value": str,
        "editing": P,
        "versions": [(SimpleNamespace(version=1, author=P, created_at=WHEN), P)],
        "errors": {"p0.r0": P, "paths": P, "pending": P, "ladder": P, P: P},
        "notice": P,
    },
    "admin/condition_form.html": {
        "c": SimpleNamespace(
            id=1,
            key=P,
            region=P,
            version=2,
            answer_kind=P,
            slot=P,
            status="published",
            check=SimpleNamespace(title=P),
        ),
        "review": SimpleNamespace(variant=False, by=P, at=WHEN),
        "review_rows": [(P, P, P, True)],
        "notice": P,
        "values": {
            name: P
            for name in (
                "question",
                "hint",
                "unmet_reason",
                "region",
                "clause",
                "test_op",
                "test_value",
                "valid_from",
                "valid_until",
            )
        },
        "ops": PAIRS,
        "versions": [(SimpleNamespace(version=1, author=P, created_at=WHEN, data={"test": P}), P)],
        "errors": {name: P for name in ("question", "test", "region", "pending")},
        "field_labels": _values(),
    },
    "error.html": {"title": P, "message": P, "status": 404},
    "admin/review.html": {"entries": [_entry()], "drafts": 1},
    "admin/audit.html": {
        "rows": [(SimpleNamespace(created_at=WHEN, actor=P, detail=P), P, P)],
    },
    "admin/try.html": {
        "question": P,
        "region": P,
        "result": {
            "notice": P,
            "chosen": {"id": 1, "key": P, "score": 0.5},
            "kind_label": P,
            "text": P,
            "hits": [{"id": 1, "key": P, "question": P, "region": P, "score": 0.5}],
            "aspects": [P],
            "fit": {"fits": False, "reason": P, "label": P, "entry_aspects": [P], "conflicts": [P]},
        },
        "understood": {"intent": P, "topic": P, "region": P},
    },
    "admin/import.html": {
        "exports": [(P, P)],
        "kinds": PAIRS,
        "summary": {
            "rows": 1,
            "creates": 0,
            "updates": 0,
            "unchanged": 0,
            "problems": [{"row": 2, "column": P, "message": P}],
        },
        "applied": None,
    },
    "admin/unanswered.html": {
        "rows": [(GROUP, P, P, P)],
        "filters": {"topic": P, "region": P, "days": P},
        "topic_pairs": PAIRS,
        "period_pairs": PAIRS,
        "weekly": [(P, 0.5, P)],
        "by_topic": [(P, 1.0, P)],
    },
}


@pytest.fixture(scope="module")
def page_request() -> web.Request:
    app = web.Application()
    templating.setup(app)
    return make_mocked_request("GET", "/", app=app)


def test_every_page_template_is_covered(page_request) -> None:
    env = get_env(page_request.app)
    pages = {
        name
        for name in env.list_templates()
        if not Path(name).name.startswith("_") and name != "base.html"
    }
    assert pages == set(PAGES), "add the new template to PAGES with payload values"


def test_autoescape_is_on_for_every_template(page_request) -> None:
    env = get_env(page_request.app)
    for name in env.list_templates():
        autoescape = env.autoescape
        assert autoescape is True or (callable(autoescape) and autoescape(name)), name
        source = (CONSOLE / "templates" / name).read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", "") and "autoescape false" not in source, name


@pytest.mark.parametrize("name", sorted(PAGES))
def test_payload_values_come_back_escaped(page_request, name: str) -> None:
    page = render_string(name, page_request, {"user": _user(), "csrf_token": P, **PAGES[name]})
    for raw in RAW:
        assert raw not in page, (name, raw)
    assert ESCAPED in page, name
    assert '<link rel="stylesheet" href="/static/console.css">' in page


def test_line_breaks_of_templates_are_dropped_but_not_those_of_values(page_request) -> None:
    env = get_env(page_request.app)
    page = env.from_string('<p>\n  <b>{{ a }}</b>\n  {{ " " }}<i>x</i>\n</p>\n').render(a="1\n  2")
    assert page == "<p><b>1\n  2</b> <i>x</i></p>"


def test_user_bar_and_csrf_come_from_the_session(session_factory, database_url) -> None:
    with session_factory.begin() as session:
        create_user(
            session=session,
            username="boss",
            display_name=P,
            role="admin",
            password_hash=hash_password(PASSWORD),
        )
    settings = console_settings(database_url)

    async def scenario(client: TestClient) -> None:
        anonymous = await (await client.get("/login")).text()
        assert 'name="csrf-token"' not in anonymous and "退出登录" not in anonymous
        await login(client, "boss")
        for path in ("/desk", "/admin", "/admin/canned", "/desk/tickets/1"):
            page = await (await client.get(path)).text()
            token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
            assert f'name="csrf_token" value="{token}"' in page, path  # the log-out form
            assert ESCAPED in page and "<script>alert" not in page, path
        # the log-in page shows no user bar, even to a signed-in user
        again = await (await client.get("/login")).text()
        assert "退出登录" not in again and 'name="csrf-token"' not in again
        css = await client.get("/static/console.css")
        assert css.status == 200 and css.content_type == "text/css"
        assert ".subnav a{margin-right:14px}" in await css.text()

    run(settings, scenario)


# ---- no HTML in Python ----

HTML_TAG = re.compile(
    r"<\s*/?\s*(!doctype|html|head|body|main|header|nav|div|span|p|a\s|form|input|select|option"
    r"|textarea|button|label|table|thead|tbody|tr|td|th|pre|details|summary|figure|svg|rect"
    r"|text|h[1-6]|br|strong|meta|link|style|script|title)\b",
    re.IGNORECASE,
)


def html_in_strings(source: str) -> list[tuple[int, str]]:
    """(line, literal) of every string literal (f-strings included) that holds an HTML tag."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING and HTML_TAG.search(token.string):
            found.append((token.start[0], token.string[:80]))
    return found


def test_the_scan_finds_html_in_string_literals() -> None:
    assert html_in_strings("x = f'<div class=\"card\">{body}</div>'\n")
    assert html_in_strings("x = ('<p><label>用户名<br>'\n  '<input name=\"u\">')\n")
    assert html_in_strings('x = "<A HREF=/x>"\n')
    assert not html_in_strings('x = {"error": "a < b"}  # <div> in a comment\n')


def test_no_console_module_builds_html() -> None:
    found = {
        str(path.relative_to(CONSOLE)): hits
        for path in sorted(CONSOLE.rglob("*.py"))
        if (hits := html_in_strings(path.read_text(encoding="utf-8")))
    }
    assert not found, f"HTML belongs in connectors/console/templates/: {found}"
