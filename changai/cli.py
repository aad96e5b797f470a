"""`changai`: operator tasks (database, knowledge base, accounts, asking a question)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from changai.settings import ConfigurationError, load_settings


def _session_factory() -> Any:
    from changai.db import make_engine, make_session_factory

    return make_session_factory(make_engine(load_settings().database_url))


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from changai.db.migrate import upgrade

    upgrade(load_settings().database_url, args.revision)
    print(f"database upgraded to {args.revision}")
    return 0


def cmd_db_downgrade(args: argparse.Namespace) -> int:
    from changai.db.migrate import downgrade

    downgrade(load_settings().database_url, args.revision)
    print(f"database downgraded to {args.revision}")
    return 0


def cmd_kb_load(args: argparse.Namespace) -> int:
    from knowledge.errors import InvalidEntry
    from knowledge.seed_loader import SEED_DIR, load_seed

    try:
        with _session_factory().begin() as session:
            report = load_seed(session=session, seed_dir=Path(args.seed_dir or SEED_DIR))
    except InvalidEntry as exc:  # the transaction rolled back: nothing of this load is kept
        print(f"knowledge not loaded: {exc}", file=sys.stderr)
        return 1
    print(
        f"knowledge loaded: {report.documents_seen} documents "
        f"({report.documents_changed} changed), "
        f"{report.entries_seen} entries ({report.entries_changed} changed), "
        f"{report.checks_seen} eligibility checks ({report.checks_changed} changed)"
        + (
            f", {report.entries_retired} entries no longer in the seed archived"
            if report.entries_retired
            else ""
        )
        + (
            f", {report.entries_flagged} entries on documents past their end date flagged 待复核"
            if report.entries_flagged
            else ""
        )
    )
    return 0


def cmd_kb_export(args: argparse.Namespace) -> int:
    from knowledge.exporter import export_knowledge

    with _session_factory()() as session:
        data = export_knowledge(session=session)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(
            f"exported {len(data['documents'])} documents and {len(data['entries'])} entries "
            f"to {args.out}"
        )
    else:
        print(text)
    return 0


def cmd_kb_audit(args: argparse.Namespace) -> int:
    from knowledge.audit import format_report, run_audit

    with _session_factory()() as session:
        report = run_audit(session=session)
        print(format_report(report))
    return 0 if report.ok else 1


def _read_password(args: argparse.Namespace, known: tuple[str, ...]) -> str | None:
    """The new password from stdin or typed twice, checked; None (said why) when refused."""
    from changai.passwords import PASSWORD_RULE, password_problem

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        print(PASSWORD_RULE)
        password = getpass.getpass("密码 / password: ")
        if password != getpass.getpass("再输一次 / again: "):
            print("error: 两次输入的密码不一样 (the two passwords differ)", file=sys.stderr)
            return None
    problem = password_problem(password, known=known)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return None
    return password


def cmd_user_add(args: argparse.Namespace) -> int:
    from changai.passwords import hash_password
    from helpdesk.accounts import create_user
    from helpdesk.errors import UserExists

    password = _read_password(args, (args.username, args.display_name or ""))
    if password is None:
        return 2
    try:
        with _session_factory().begin() as session:
            create_user(
                session=session,
                username=args.username,
                display_name=args.display_name or args.username,
                role=args.role,
                password_hash=hash_password(password),
            )
    except UserExists:
        print(f"error: user {args.username!r} already exists", file=sys.stderr)
        return 2
    print(f"user {args.username} ({args.role}) created")
    return 0


def cmd_user_passwd(args: argparse.Namespace) -> int:
    from changai.passwords import hash_password
    from helpdesk.accounts import get_user, set_password

    with _session_factory()() as session:
        user = get_user(session=session, username=args.username)
        known = (args.username, user.display_name if user else "")
    if user is None:
        print(f"error: no user {args.username!r}", file=sys.stderr)
        return 2
    password = _read_password(args, known)
    if password is None:
        return 2
    with _session_factory().begin() as session:
        set_password(session=session, username=args.username, password_hash=hash_password(password))
    print(f"password of {args.username} changed; its sessions ended")
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    from helpdesk.accounts import disable_user
    from helpdesk.errors import InvalidAccount

    try:
        with _session_factory().begin() as session:
            ended = disable_user(session=session, username=args.username)
    except InvalidAccount:
        print(f"error: no user {args.username!r}", file=sys.stderr)
        return 2
    print(f"user {args.username} disabled; {ended} session(s) ended")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from changai.ask import ModelMissing, answer
    from knowledge.decision import format_result

    try:
        result = answer(args.question, region=args.region)
    except ModelMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_result(result, args.json))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="changai", description="产改通 operator commands")
    sub = parser.add_subparsers(dest="group", required=True)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="command", required=True)
    up = db.add_parser("upgrade", help="apply migrations")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=cmd_db_upgrade)
    down = db.add_parser("downgrade", help="revert migrations")
    down.add_argument("revision")
    down.set_defaults(func=cmd_db_downgrade)

    kb = sub.add_parser("kb", help="knowledge base").add_subparsers(dest="command", required=True)
    load = kb.add_parser("load", help="load the seed documents and entries (idempotent)")
    load.add_argument("--seed-dir")
    load.set_defaults(func=cmd_kb_load)
    export = kb.add_parser("export", help="export documents and entries as JSON")
    export.add_argument("--out")
    export.set_defaults(func=cmd_kb_export)
    audit = kb.add_parser(
        "audit",
        help="official sources, missing fields, clauses, lapsed rules, unsupported figures",
    )
    audit.set_defaults(func=cmd_kb_audit)

    user = sub.add_parser("user", help="console accounts").add_subparsers(
        dest="command", required=True
    )
    add = user.add_parser("add", help="create a staff or admin account")
    add.add_argument("username")
    add.add_argument("--role", choices=["staff", "admin"], required=True)
    add.add_argument("--display-name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(func=cmd_user_add)
    passwd = user.add_parser("passwd", help="set a new password (ends the account's sessions)")
    passwd.add_argument("username")
    passwd.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    passwd.set_defaults(func=cmd_user_passwd)
    disable = user.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("username")
    disable.set_defaults(func=cmd_user_disable)

    ask = sub.add_parser("ask", help="answer a question without the servers running")
    ask.add_argument("question")
    ask.add_argument("--region", help="the worker's province or city, e.g. 广东")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(func=cmd_ask)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigurationError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
