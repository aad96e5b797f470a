"""Server-rendered admin pages (Chinese): editor, history, review, audit, try-it, import,
unanswered questions. Every value is HTML-escaped; the pages need no JavaScript."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlencode

from changai.vocabulary import TOPIC_LABELS, topic_label
from connectors.console.pages import layout
from helpdesk.accounts import CurrentUser
from knowledge import catalogue
from knowledge.content_versions import DOCUMENT_SNAPSHOT_FIELDS, FIELD_LABELS, FieldChange
from knowledge.models import AuditEntry, ContentVersion, FaqEntry, PolicyDocument

ADMIN_STYLE = (
    "<style>.subnav a{margin-right:14px}.field-error{color:#d4380d;font-size:13px;margin:2px 0}"
    ".flag{display:inline-block;border-radius:4px;padding:1px 6px;font-size:12px;margin-right:4px}"
    ".flag.warn{background:#fff7e6;color:#d46b08}.flag.bad{background:#fff1f0;color:#cf1322}"
    ".flag.ok{background:#e8f7ee;color:#06ad56}pre.text{white-space:pre-wrap;margin:0;font:inherit}"
    "textarea.wide,input.wide{width:100%;box-sizing:border-box}td.before{background:#fff1f0}"
    "td.after{background:#f0fff4}form.inline{display:inline}td.nowrap{white-space:nowrap}</style>"
)
ACTION_LABELS = {
    "create": "新建",
    "edit": "修改",
    "publish": "发布",
    "archive": "归档",
    "restore": "恢复旧版本",
    "import": "导入",
    "baseline": "原始内容",
}


def admin_layout(title: str, body: str, user: CurrentUser, drafts: int | None = None) -> str:
    queue = f"待审核（{drafts}）" if drafts is not None else "待审核"
    nav = (
        '<nav class="subnav card" aria-label="知识库管理">'
        '<a href="/admin">FAQ 条目</a><a href="/admin/documents">政策文件</a>'
        f'<a href="/admin/review">{escape(queue)}</a><a href="/admin/try">试一试</a>'
        '<a href="/admin/import">导入导出</a><a href="/admin/unanswered">未答问题</a>'
        '<a href="/admin/audit">操作记录</a></nav>'
    )
    return layout(title, ADMIN_STYLE + nav + body, user)


def _csrf(user: CurrentUser) -> str:
    return f'<input type="hidden" name="csrf_token" value="{escape(user.csrf_token)}">'


def _options(pairs: Iterable[tuple[str, str]], selected: str) -> str:
    return "".join(
        f'<option value="{escape(v)}"{" selected" if v == selected else ""}>{escape(label)}</option>'
        for v, label in pairs
    )


def _text(value: Any) -> str:
    return f'<pre class="text">{escape(str(value or ""))}</pre>'


def _error(errors: dict[str, str], name: str) -> str:
    if name not in errors:
        return ""
    return f'<p class="field-error" id="error-{name}" role="alert">{escape(errors[name])}</p>'


def _post_button(user: CurrentUser, action: str, label: str, extra: str = "", cls: str = "") -> str:
    css = f' class="{cls}"' if cls else ""
    return (
        f'<form class="inline" method="post" action="{escape(action)}">{_csrf(user)}{extra}'
        f'<button type="submit"{css}>{escape(label)}</button></form>'
    )


def state_flag(served: bool, reason: str) -> str:
    return f'<span class="flag {"ok" if served else "bad"}">{escape(reason)}</span>'


def document_flags(document: PolicyDocument, today: dt.date) -> str:
    problem = catalogue.document_problem(document, today)
    if problem:
        return f'<span class="flag bad">{escape(problem)}</span>'
    if catalogue.expires_soon(document, today):
        days = (document.expires_on - today).days
        return f'<span class="flag warn" data-expiring="1">{days}天后到期</span>'
    return '<span class="flag ok">有效</span>'


# ---- FAQ entries ----


def entries_page(
    user: CurrentUser,
    entries: list[FaqEntry],
    filters: catalogue.Filters,
    documents: list[PolicyDocument],
    today: dt.date,
    drafts: int,
) -> str:
    topics = _options([("", "全部话题"), *TOPIC_LABELS.items()], filters.topic)
    statuses = _options(
        [("", "全部状态"), ("draft", "草稿"), ("published", "已发布"), ("archived", "已归档")],
        filters.status,
    )
    docs = _options(
        [("", "全部文件"), *((str(d.id), d.title) for d in documents)],
        str(filters.document_id or ""),
    )
    rows = []
    for entry in entries:
        served, reason = catalogue.serving_state(entry, today)
        flag = state_flag(served, reason)
        if served and entry.document is not None and catalogue.expires_soon(entry.document, today):
            flag += document_flags(entry.document, today)
        rows.append(
            f'<tr data-entry="{entry.id}"><td><a href="/admin/entries/{entry.id}">'
            f"{escape(entry.key)}</a></td><td>{_text(entry.question)}</td>"
            f"<td>{escape(topic_label(entry.topic))}<br>{escape(entry.region)}</td>"
            f"<td>{escape(catalogue.STATUS_LABELS.get(entry.status, entry.status))}"
            f" · 第{entry.version}版</td><td>{flag}</td></tr>"
        )
    body = (
        '<form class="card" method="get" action="/admin">'
        f'<input name="q" value="{escape(filters.text)}" placeholder="搜索问题、答案或编号（简繁均可）">'
        f' <select name="topic">{topics}</select>'
        f' <input name="region" value="{escape(filters.region)}" placeholder="地区" size="6">'
        f' <select name="status">{statuses}</select> <select name="document">{docs}</select>'
        ' <button type="submit">筛选</button> <a class="button" href="/admin/entries/new">新建条目</a>'
        f'</form><p class="muted">共 {len(entries)} 条</p>'
        '<table aria-label="FAQ 条目"><thead><tr><th>编号</th><th>标准问题</th><th>话题 / 地区</th>'
        f'<th>状态</th><th>回答情况</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    return admin_layout("知识库管理", body, user, drafts)


@dataclass
class EntryForm:
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    entry_id: int | None = None
    version: int | None = None
    state: tuple[bool, str] | None = None
    saved: bool = False


def entry_values(entry: FaqEntry) -> dict[str, Any]:
    return {
        "key": entry.key,
        "status": entry.status,
        "topic": entry.topic,
        "question": entry.question,
        "alternatives": "\n".join(entry.alternatives or []),
        "answer": entry.answer,
        "region": entry.region,
        "region_sensitive": entry.region_sensitive,
        "tags": "、".join(entry.tags or []),
        "document_id": str(entry.document_id or ""),
        "clause": entry.clause,
    }


def entry_form_page(
    user: CurrentUser, form: EntryForm, documents: list[PolicyDocument], today: dt.date
) -> str:
    v, errors = form.values, form.errors
    action = f"/admin/entries/{form.entry_id}" if form.entry_id else "/admin/entries/new"
    doc_pairs = [("", "（未选择）")] + [
        (
            str(d.id),
            f"{d.title}{'（' + p + '）' if (p := catalogue.document_problem(d, today)) else ''}",
        )
        for d in documents
    ]
    status_pairs = [("draft", "草稿"), ("published", "已发布"), ("archived", "已归档")]

    def row(name: str, control: str, hint: str = "") -> str:
        hint_html = f'<span class="muted"> {escape(hint)}</span>' if hint else ""
        return (
            f'<p><label for="f-{name}">{escape(FIELD_LABELS[name])}</label>{hint_html}<br>'
            f"{control}{_error(errors, name)}</p>"
        )

    def text_input(name: str, size: str = "") -> str:
        return (
            f'<input id="f-{name}" name="{name}" class="{size}" value="{escape(str(v.get(name) or ""))}"'
            f'{" aria-invalid=true" if name in errors else ""}>'
        )

    def textarea(name: str, rows: int) -> str:
        return (
            f'<textarea id="f-{name}" name="{name}" rows="{rows}" class="wide"'
            f'{" aria-invalid=true" if name in errors else ""}>{escape(str(v.get(name) or ""))}</textarea>'
        )

    sensitive = catalogue.parse_bool(v.get("region_sensitive")) or False
    header = ""
    if form.entry_id:
        state = state_flag(*form.state) if form.state else ""
        header = f'<p>第{form.version}版 {state} <a href="/admin/entries/{form.entry_id}/history">历史版本</a></p>'
    notice = '<p class="flag ok" role="status">已保存</p>' if form.saved else ""
    summary = (
        f'<p class="error" role="alert">有 {len(errors)} 处需要修改，见各栏下方的提示。</p>'
        if errors
        else ""
    )
    body = (
        f"{header}{notice}{summary}"
        f'<form class="card" method="post" action="{action}" novalidate>{_csrf(user)}'
        + row("key", text_input("key"), "字母、数字、-、_")
        + row(
            "status",
            f'<select id="f-status" name="status">{_options(status_pairs, str(v.get("status") or "draft"))}</select>',
        )
        + row(
            "topic",
            f'<select id="f-topic" name="topic">{_options([("", "请选择"), *TOPIC_LABELS.items()], str(v.get("topic") or ""))}</select>',
        )
        + row("question", text_input("question", "wide"))
        + row("alternatives", textarea("alternatives", 4), "每行一种问法")
        + row("answer", textarea("answer", 8), f"最多{catalogue.MAX_ANSWER_CHARS}字")
        + row("region", text_input("region"), "全国通用请填 全国")
        + f'<p><label><input type="checkbox" name="region_sensitive" value="1"{" checked" if sensitive else ""}> 各地标准不同（先问职工所在地区）</label>{_error(errors, "region_sensitive")}</p>'
        + row("tags", text_input("tags", "wide"), "用顿号分隔")
        + row(
            "document_id",
            f'<select id="f-document_id" name="document_id">{_options(doc_pairs, str(v.get("document_id") or ""))}</select>',
        )
        + row("clause", text_input("clause", "wide"))
        + '<button type="submit">保存</button></form>'
    )
    if form.entry_id:
        body += (
            '<div class="card">'
            + _post_button(
                user,
                f"/admin/entries/{form.entry_id}/status",
                "发布",
                '<input type="hidden" name="status" value="published">',
            )
            + " "
            + _post_button(
                user,
                f"/admin/entries/{form.entry_id}/status",
                "归档",
                '<input type="hidden" name="status" value="archived">',
                "secondary",
            )
            + "</div>"
        )
    title = f"编辑条目 {v.get('key') or ''}" if form.entry_id else "新建条目"
    return admin_layout(title, body, user)


# ---- policy documents ----


def documents_page(
    user: CurrentUser,
    documents: list[PolicyDocument],
    counts: dict[int, int],
    today: dt.date,
    filters: dict[str, str],
) -> str:
    rows = "".join(
        f'<tr data-document="{d.id}"><td><a href="/admin/documents/{d.id}">{escape(d.key)}</a></td>'
        f"<td>{escape(d.title)}<br><span class=\"muted\">{escape(d.doc_number or '')}</span></td>"
        f'<td class="nowrap">{escape(d.region)}</td><td class="nowrap">'
        f"{escape(str(d.effective_from or '—'))} 至 {escape(str(d.expires_on or '—'))}</td>"
        f"<td>{document_flags(d, today)}</td>"
        f'<td class="nowrap"><a href="/admin?document={d.id}">{counts.get(d.id, 0)} 条</a></td></tr>'
        for d in documents
    )
    expiring = sum(
        1 for d in documents if catalogue.expires_soon(d, today) and d.status == "active"
    )
    warn = (
        f'<p class="flag warn" role="status">{expiring} 份文件 30 天内到期，请及时核对新政策。</p>'
        if expiring
        else ""
    )
    body = (
        '<form class="card" method="get" action="/admin/documents">'
        f'<input name="q" value="{escape(filters.get("q", ""))}" placeholder="搜索标题、文号或编号">'
        f' <input name="region" value="{escape(filters.get("region", ""))}" placeholder="地区" size="6">'
        f' <select name="status">{_options([("", "全部状态"), ("active", "有效"), ("archived", "已归档")], filters.get("status", ""))}</select>'
        ' <button type="submit">搜索</button>'
        ' <a class="button" href="/admin/documents/new">新建政策文件</a></form>'
        f'{warn}<table aria-label="政策文件"><thead><tr><th>编号</th><th>标题</th><th>地区</th><th>有效期</th>'
        f"<th>状态</th><th>条目</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    return admin_layout("政策文件", body, user)


def document_values(document: PolicyDocument) -> dict[str, Any]:
    """The document's fields as form text (empty for a missing date or link)."""
    return {
        name: "" if getattr(document, name) is None else str(getattr(document, name))
        for name in DOCUMENT_SNAPSHOT_FIELDS
    }


def document_form_page(
    user: CurrentUser,
    values: dict[str, Any],
    errors: dict[str, str],
    document_id: int | None,
    version: int | None,
    saved: bool = False,
) -> str:
    action = f"/admin/documents/{document_id}" if document_id else "/admin/documents/new"

    def row(name: str, kind: str = "text", hint: str = "") -> str:
        value = escape(str(values.get(name) or ""))
        control = (
            f'<textarea id="f-{name}" name="{name}" rows="3" class="wide">{value}</textarea>'
            if kind == "textarea"
            else f'<input id="f-{name}" name="{name}" type="{kind}" class="wide" value="{value}">'
        )
        hint_html = f'<span class="muted"> {escape(hint)}</span>' if hint else ""
        return f'<p><label for="f-{name}">{escape(FIELD_LABELS[name])}</label>{hint_html}<br>{control}{_error(errors, name)}</p>'

    status = _options(
        [("active", "有效"), ("archived", "已归档")], str(values.get("status") or "active")
    )
    header = (
        f'<p>第{version}版 <a href="/admin/documents/{document_id}/history">历史版本</a></p>'
        if document_id
        else ""
    )
    body = (
        header
        + ('<p class="flag ok" role="status">已保存</p>' if saved else "")
        + (
            f'<p class="error" role="alert">有 {len(errors)} 处需要修改，见各栏下方的提示。</p>'
            if errors
            else ""
        )
        + f'<form class="card" method="post" action="{action}" novalidate>{_csrf(user)}'
        + row("key")
        + f'<p><label for="f-status">状态</label><br><select id="f-status" name="status">{status}</select>{_error(errors, "status")}</p>'
        + row("title")
        + row("doc_number")
        + row("issuer")
        + row("region", hint="全国或省、市")
        + row("effective_from", hint="格式 2025-01-31，可不填")
        + row("expires_on", hint="格式 2025-12-31，可不填")
        + row("url")
        + row("source_note", "textarea")
        + '<button type="submit">保存</button></form>'
    )
    return admin_layout("政策文件" if document_id else "新建政策文件", body, user)


# ---- history, review, audit ----


def history_page(
    user: CurrentUser,
    kind_path: str,
    item_id: int,
    title: str,
    rows: list[ContentVersion],
    left: int | None,
    right: int | None,
    changes: list[FieldChange],
) -> str:
    base = f"/admin/{kind_path}/{item_id}"
    version_rows = "".join(
        f"<tr data-version=\"{r.version}\"><td>第{r.version}版</td><td>{escape(ACTION_LABELS.get(r.action, r.action))}</td>"
        f"<td>{escape(r.author)}</td><td>{r.created_at:%Y-%m-%d %H:%M:%S}</td>"
        f'<td><input type="radio" name="a" value="{r.version}"{" checked" if r.version == left else ""} form="compare" aria-label="旧"> '
        f'<input type="radio" name="b" value="{r.version}"{" checked" if r.version == right else ""} form="compare" aria-label="新"></td>'
        f"<td>{_post_button(user, f'{base}/restore', '恢复此版本', f'<input type=hidden name=version value={r.version}>', 'secondary')}</td></tr>"
        for r in rows
    )
    diff_rows = "".join(
        f'<tr><th>{escape(c.label)}</th><td class="before">{_text(_show(c.before))}</td>'
        f'<td class="after">{_text(_show(c.after))}</td></tr>'
        for c in changes
    )
    comparison = (
        f"<h3>第{left}版 → 第{right}版</h3>"
        + (
            f'<table aria-label="差异"><thead><tr><th>字段</th><th>旧</th><th>新</th></tr></thead><tbody>{diff_rows}</tbody></table>'
            if changes
            else '<p class="muted">两个版本内容相同。</p>'
        )
        if left is not None and right is not None
        else ""
    )
    body = (
        f'<p><a href="{base}">返回编辑</a></p>'
        f'<form id="compare" method="get" action="{base}/history"></form>'
        '<table aria-label="版本"><thead><tr><th>版本</th><th>操作</th><th>操作人</th><th>时间</th>'
        f"<th>比较（旧 / 新）</th><th></th></tr></thead><tbody>{version_rows}</tbody></table>"
        '<p><button type="submit" form="compare">比较所选版本</button></p>'
        f'<div class="card">{comparison}</div>'
    )
    return admin_layout(f"历史版本 · {title}", body, user)


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else str(value)


def review_page(user: CurrentUser, drafts: list[FaqEntry]) -> str:
    rows = "".join(
        f'<tr data-entry="{d.id}"><td><a href="/admin/entries/{d.id}">{escape(d.key)}</a></td>'
        f"<td>{_text(d.question)}</td><td>{_text(d.answer)}</td>"
        f"<td>{escape(d.updated_by)}<br>{d.updated_at:%Y-%m-%d %H:%M}</td>"
        f'<td><a class="button" href="/admin/entries/{d.id}">审核</a></td></tr>'
        for d in drafts
    )
    empty = '<p class="muted">没有待审核的草稿。</p>' if not drafts else ""
    body = (
        '<p class="muted">草稿不会回答职工。补全话题、地区和政策文件后发布，下一次提问即生效。</p>'
        f'{empty}<table aria-label="待审核"><thead><tr><th>编号</th><th>问题</th><th>答案</th><th>提交人</th>'
        f"<th></th></tr></thead><tbody>{rows}</tbody></table>"
    )
    return admin_layout(f"待审核（{len(drafts)}）", body, user, len(drafts))


def audit_page(user: CurrentUser, entries: list[AuditEntry]) -> str:
    kinds = {"faq": "条目", "document": "政策文件"}
    rows = "".join(
        f"<tr><td>{e.created_at:%Y-%m-%d %H:%M:%S}</td><td>{escape(e.actor)}</td>"
        f"<td>{escape(ACTION_LABELS.get(e.action, e.action))}</td><td>{escape(kinds.get(e.kind, e.kind))}</td>"
        f"<td>{_text(e.detail)}</td></tr>"
        for e in entries
    )
    body = (
        '<table aria-label="操作记录"><thead><tr><th>时间（UTC）</th><th>操作人</th><th>操作</th><th>对象</th>'
        f"<th>内容</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    return admin_layout("操作记录", body, user)


# ---- try it ----


def try_page(user: CurrentUser, question: str, region: str, result: dict[str, Any] | None) -> str:
    outcome = ""
    if result is not None:
        notice = (
            f'<p class="error" role="alert">{escape(result["notice"])}</p>'
            if result.get("notice")
            else ""
        )
        chosen = result.get("chosen")
        verdict = (
            f'<p>会回答：<a href="/admin/entries/{chosen["id"]}">{escape(chosen["key"])}</a>'
            f'（得分 {chosen["score"]:.4f}）</p>'
            if chosen
            else f"<p>不会用知识库回答：{escape(result['kind_label'])}</p>"
        )
        hits = "".join(
            f'<tr><td><a href="/admin/entries/{h["id"]}">{escape(h["key"])}</a></td><td>{_text(h["question"])}</td>'
            f'<td>{escape(h["region"])}</td><td>{h["score"]:.4f}</td></tr>'
            for h in result["hits"]
        )
        outcome = (
            f'<div class="card" id="try-result">{notice}'
            f'<p class="muted">识别的意图：{escape(str(result.get("intent") or "—"))}；话题：{escape(TOPIC_LABELS.get(str(result.get("topic")), str(result.get("topic") or "无")))}；'
            f'地区：{escape(str(result.get("region") or "未说明"))}</p>{verdict}'
            f'<h3>职工会看到</h3>{_text(result["text"])}'
            '<h3>候选条目</h3><table aria-label="候选条目"><thead><tr><th>编号</th><th>标准问题</th><th>地区</th>'
            f"<th>得分</th></tr></thead><tbody>{hits}</tbody></table></div>"
        )
    body = (
        '<form class="card" method="get" action="/admin/try">'
        f'<p><label>职工的问题<br><input name="q" class="wide" value="{escape(question)}" maxlength="500"></label></p>'
        f'<p><label>所在地区（可不填） <input name="region" value="{escape(region)}" size="8"></label></p>'
        '<button type="submit">试一试</button></form>' + outcome
    )
    return admin_layout("试一试", body, user)


# ---- import / export ----


def import_page(
    user: CurrentUser, summary: dict[str, Any] | None = None, applied: int | None = None
) -> str:
    kinds = [("entries", "FAQ 条目"), ("documents", "政策文件")]
    exports = "".join(
        f'<a class="button" href="/admin/export?{urlencode({"kind": k, "format": f})}">{escape(label)} {f.upper()}</a> '
        for k, label in kinds
        for f in ("csv", "xlsx")
    )
    report = ""
    if summary is not None:
        problems = "".join(
            f"<tr><td>{p['row']}</td><td>{escape(p['column'])}</td><td>{escape(p['message'])}</td></tr>"
            for p in summary["problems"]
        )
        if applied is not None:
            status = f'<p class="flag ok" role="status">已导入：{applied} 项有变化。</p>'
        elif summary["problems"]:
            status = f'<p class="error" role="alert">发现 {len(summary["problems"])} 个问题，未导入任何内容。请修改后重新上传。</p>'
        else:
            status = (
                '<p role="status">检查通过（尚未导入）。确认无误后勾选“确认导入”再上传一次。</p>'
            )
        report = (
            f'<div class="card" id="import-report">{status}<p>共 {summary["rows"]} 行：新增 {summary["creates"]}，'
            f'修改 {summary["updates"]}，不变 {summary["unchanged"]}。</p>'
            + (
                '<table aria-label="问题"><thead><tr><th>行</th><th>列</th><th>问题</th></tr></thead>'
                f"<tbody>{problems}</tbody></table>"
                if problems
                else ""
            )
            + "</div>"
        )
    body = (
        f'<div class="card"><h3>导出</h3>{exports}<p class="muted">以 = + - @ 开头的单元格会加一个英文单引号，防止被当作公式；导入时会自动去掉。</p></div>'
        '<form class="card" method="post" action="/admin/import" enctype="multipart/form-data">'
        f'<h3>导入</h3>{_csrf(user)}<p><label>内容 <select name="kind">{_options(kinds, "entries")}</select></label></p>'
        '<p><input type="file" name="file" accept=".csv,.xlsx" required></p>'
        '<p><label><input type="checkbox" name="confirm" value="1"> 确认导入（不勾选只检查，不改动任何内容）</label></p>'
        '<button type="submit">上传</button></form>' + report
    )
    return admin_layout("导入导出", body, user)


# ---- unanswered questions ----


def bar_chart(title: str, bars: list[tuple[str, float, str]]) -> str:
    """An inline SVG bar chart: (label, value 0..1, caption) per bar."""
    height, width, gap = 22, 320, 6
    rows = []
    for position, (label, value, caption) in enumerate(bars):
        y = position * (height + gap)
        length = max(1.0, value * width)
        rows.append(
            f'<text x="0" y="{y + 15}" font-size="12">{escape(label)}</text>'
            f'<rect x="110" y="{y}" width="{length:.1f}" height="{height}" fill="#07c160"></rect>'
            f'<text x="{115 + length:.1f}" y="{y + 15}" font-size="12">{escape(caption)}</text>'
        )
    total = max(1, len(bars)) * (height + gap)
    return (
        f'<figure class="card"><figcaption>{escape(title)}</figcaption>'
        f'<svg role="img" aria-label="{escape(title)}" width="560" height="{total}" '
        f'viewBox="0 0 560 {total}" xmlns="http://www.w3.org/2000/svg">{"".join(rows)}</svg></figure>'
    )


def unanswered_page(
    user: CurrentUser,
    groups: list[Any],
    filters: dict[str, str],
    weekly: list[tuple[str, float, str]],
    by_topic: list[tuple[str, float, str]],
) -> str:
    topics = _options([("", "全部话题"), *TOPIC_LABELS.items()], filters.get("topic", ""))
    periods = _options(
        [("7", "最近7天"), ("30", "最近30天"), ("90", "最近90天"), ("365", "最近一年")],
        filters.get("days", "30"),
    )
    rows = "".join(
        f'<tr data-group="{position}"><td>{g.count}</td><td>{_text(g.representative)}'
        f'<details><summary>{len(g.phrasings)} 种说法</summary>{_text(chr(10).join(g.phrasings))}</details></td>'
        f"<td>{escape(topic_label(g.topic) if g.topic else '—')}<br>{escape('、'.join(g.regions) or '—')}</td>"
        f'<td><a class="button" href="/admin/entries/new?{urlencode({"question": g.representative, "alternatives": chr(10).join(p for p in g.phrasings if p != g.representative), "topic": g.topic or ""})}">写成FAQ</a></td></tr>'
        for position, g in enumerate(groups)
    )
    empty = '<p class="muted">这段时间没有未答问题。</p>' if not groups else ""
    body = (
        '<form class="card" method="get" action="/admin/unanswered">'
        f'<select name="topic">{topics}</select> <input name="region" value="{escape(filters.get("region", ""))}" placeholder="地区" size="6">'
        f' <select name="days">{periods}</select> <button type="submit">筛选</button></form>'
        + bar_chart("每周未答比例", weekly)
        + bar_chart("各话题未答比例", by_topic)
        + f'{empty}<table aria-label="未答问题"><thead><tr><th>次数</th><th>问题（合并了意思相同的说法）</th>'
        f"<th>话题 / 地区</th><th></th></tr></thead><tbody>{rows}</tbody></table>"
    )
    return admin_layout("未答问题", body, user)
