"""Server-rendered console pages (Chinese). Every value is HTML-escaped."""

from __future__ import annotations

from html import escape

from changai.vocabulary import TOPIC_LABELS
from helpdesk.accounts import CurrentUser

STYLE = """
body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#f5f6f7;color:#1f2329;font-size:15px}
header{display:flex;align-items:center;gap:16px;padding:10px 20px;background:#fff;border-bottom:1px solid #e5e6eb}
header h1{font-size:18px;margin:0;flex:1}header form{margin:0}
main{max-width:1100px;margin:20px auto;padding:0 20px}
button,.button{border:1px solid #07c160;background:#07c160;color:#fff;border-radius:6px;padding:7px 14px;font-size:14px;cursor:pointer}
button.secondary{background:#fff;color:#07c160}
input,select,textarea{font:inherit;padding:7px 9px;border:1px solid #c9cdd4;border-radius:6px}
.card{background:#fff;border:1px solid #e5e6eb;border-radius:8px;padding:14px 16px;margin:10px 0}
.muted{color:#86909c;font-size:13px}.error{color:#d4380d;margin:8px 0}
table{border-collapse:collapse;width:100%;background:#fff}td,th{border-bottom:1px solid #e5e6eb;padding:8px;text-align:left;vertical-align:top}
.tag{display:inline-block;background:#e8f7ee;color:#06ad56;border-radius:4px;padding:1px 6px;font-size:12px;margin-right:4px}
"""


def layout(title: str, body: str, user: CurrentUser | None = None, script: str = "") -> str:
    nav = ""
    csrf = ""
    if user is not None:
        csrf = f'<meta name="csrf-token" content="{escape(user.csrf_token)}">'
        admin = (
            '<a href="/admin">知识库管理</a><a href="/admin/review">待审核</a>'
            '<a href="/admin/unanswered">未答问题</a><a href="/admin/canned">常用回复管理</a>'
            if user.role == "admin"
            else ""
        )
        nav = (
            f'<a href="/desk">工单队列</a>{admin}'
            f'<span class="muted">{escape(user.display_name)}（{"管理员" if user.role == "admin" else "工作人员"}）</span>'
            '<form method="post" action="/logout">'
            f'<input type="hidden" name="csrf_token" value="{escape(user.csrf_token)}">'
            '<button class="secondary" type="submit">退出登录</button></form>'
        )
    js = f'<script src="{escape(script)}"></script>' if script else ""
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{csrf}<title>{escape(title)} · 产改通</title><style>{STYLE}</style></head><body>"
        f"<header><h1>产改通 · {escape(title)}</h1>{nav}</header><main>{body}</main>{js}</body></html>"
    )


def login_page(csrf_token: str, error: str = "", next_path: str = "/desk") -> str:
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = (
        '<form class="card" method="post" action="/login" style="max-width:360px;margin:40px auto">'
        f"{message}"
        f'<input type="hidden" name="csrf_token" value="{escape(csrf_token)}">'
        f'<input type="hidden" name="next" value="{escape(next_path)}">'
        '<p><label>用户名<br><input name="username" autocomplete="username" required></label></p>'
        '<p><label>密码<br><input name="password" type="password" autocomplete="current-password" required></label></p>'
        '<button type="submit">登录</button></form>'
    )
    return layout("工作人员登录", body)


def desk_page(user: CurrentUser, regions: list[str]) -> str:
    topics = "".join(
        f'<option value="{escape(k)}">{escape(v)}</option>' for k, v in TOPIC_LABELS.items()
    )
    region_options = "".join(f'<option value="{escape(r)}">{escape(r)}</option>' for r in regions)
    body = (
        '<div class="card"><label>话题 <select id="filter-topic"><option value="">全部</option>'
        f"{topics}</select></label> "
        '<label>地区 <select id="filter-region"><option value="">全部</option>'
        f"{region_options}</select></label> "
        '<span class="muted" id="updated" aria-live="polite"></span></div>'
        '<div id="notice" class="error" role="alert"></div>'
        '<table aria-label="工单队列"><thead><tr><th>等待</th><th>问题</th><th>话题 / 地区</th>'
        '<th>原因</th><th>状态</th><th></th></tr></thead><tbody id="queue"></tbody></table>'
    )
    return layout("工单队列", body, user, "/static/desk.js")


def ticket_page(user: CurrentUser, ticket_id: int) -> str:
    topics = "".join(
        f'<option value="{escape(k)}">{escape(v)}</option>' for k, v in TOPIC_LABELS.items()
    )
    body = (
        f'<div id="ticket" data-ticket="{int(ticket_id)}">'
        '<div class="card" id="case-card">加载中…</div>'
        '<div class="card" id="claim-box" hidden><button type="button" id="claim">接手这个工单</button> '
        '<span class="muted">接手后小助手会暂停，由您直接在这里回复职工。</span></div>'
        '<div class="card" id="contact" hidden><strong>回电手机号：</strong>'
        '<span id="contact-number"></span> '
        '<button type="button" class="secondary" id="reveal-contact">查看完整号码</button> '
        '<span class="muted">职工同意后留下；每次查看都会记入工单记录。</span></div>'
        '<div class="card"><h3>对话</h3><div id="transcript" aria-live="polite"></div></div>'
        '<div class="card" id="controls" hidden>'
        '<p><label>常用回复 <select id="canned"><option value="">选择…</option></select></label></p>'
        '<p><label>回复职工<br><textarea id="reply" rows="3" cols="70" maxlength="2000"></textarea></label></p>'
        '<button type="button" id="send-reply">发送给职工</button> '
        '<p><label>内部备注（职工看不到）<br><textarea id="note" rows="2" cols="70" maxlength="2000"></textarea></label></p>'
        '<button type="button" class="secondary" id="add-note">添加备注</button>'
        '<p><label>转给同事（用户名） <input id="transfer-to" maxlength="64"></label> '
        '<button type="button" class="secondary" id="transfer">转交</button></p>'
        '<p><label>处理结果 <select id="outcome"><option value="resolved">已解决</option>'
        '<option value="referred">已转介</option><option value="unreachable">联系不上</option></select></label> '
        '<button type="button" id="close">结束服务</button></p></div>'
        '<div class="card" id="draft" hidden><h3>存为FAQ草稿</h3>'
        f'<p><label>话题 <select id="draft-topic">{topics}</select></label></p>'
        '<p><label>答案<br><textarea id="draft-answer" rows="4" cols="70" maxlength="2000"></textarea></label></p>'
        '<button type="button" id="save-draft">存为FAQ草稿</button></div>'
        '<div class="card"><h3>工单记录</h3><div id="log"></div></div>'
        '<p id="status" class="error" role="alert"></p></div>'
    )
    return layout(f"工单 #{int(ticket_id)}", body, user, "/static/ticket.js")


def canned_page(user: CurrentUser, replies: list[tuple[int, str, str]], error: str = "") -> str:
    token = escape(user.csrf_token)
    rows = "".join(
        f"<tr><td>{escape(title)}</td><td>{escape(text)}</td><td>"
        f'<form method="post" action="/admin/canned/{int(rid)}/delete">'
        f'<input type="hidden" name="csrf_token" value="{token}">'
        '<button class="secondary" type="submit">删除</button></form></td></tr>'
        for rid, title, text in replies
    )
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = (
        f'{message}<form class="card" method="post" action="/admin/canned">'
        f'<input type="hidden" name="csrf_token" value="{token}">'
        '<p><label>标题<br><input name="title" maxlength="100" required></label></p>'
        '<p><label>内容<br><textarea name="text" rows="3" cols="60" maxlength="1000" required></textarea></label></p>'
        '<button type="submit">添加常用回复</button></form>'
        f"<table><thead><tr><th>标题</th><th>内容</th><th></th></tr></thead><tbody>{rows}</tbody></table>"
    )
    return layout("常用回复管理", body, user)
