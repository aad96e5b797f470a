"""The page layout the admin pages still build by hand (``admin_pages``); the other console
pages are templates (``templates/``). Every value is HTML-escaped."""

from __future__ import annotations

from html import escape

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
