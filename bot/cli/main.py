"""The ``duban`` command: a thin layer that parses arguments and calls the library."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings

EXIT_OK, EXIT_ROW_ERRORS, EXIT_BAD_FILE, EXIT_CONFIG = 0, 1, 2, 3


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as error:
        for problem in error.problems:
            print(f"duban: {problem}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def _open_db(settings: Settings):
    from storage.db import open_database
    from storage.migrations import SchemaTooNewError

    try:
        return open_database(settings.database_path)
    except SchemaTooNewError as error:
        print(f"duban: {settings.database_path}: {error}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def _work_env(settings: Settings, db):
    """What a desk command's services need to know of the deployment, as the bot has it."""
    from bot.runtime.work import WorkEnv
    from storage.people import bot_username

    return WorkEnv(
        settings.timezone,
        bot_username(db) or "",
        settings.default_language,
        settings.admin_ids,
    )


def cmd_run(args: argparse.Namespace) -> int:
    from bot.runtime.startup import run_bot

    return run_bot(_settings())


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.cli.demo import run_demo

    return run_demo(host=args.host, port=args.port)


def cmd_sandbox(args: argparse.Namespace) -> int:
    from sandbox.server import main as sandbox_main

    sandbox_main(
        host=args.host,
        port=args.port,
        strict=args.strict,
        rate_limits=not args.no_rate_limits,
        state_dir=args.state_dir,
    )
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from bot.sheets.importing import run_import_cli

    settings = _settings()
    db = _open_db(settings)
    return run_import_cli(db, Path(args.path), args.period, args.dry_run, _work_env(settings, db))


def cmd_export(args: argparse.Namespace) -> int:
    from bot.sheets.exporting import export_ledger

    settings = _settings()
    path = Path(args.path)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        print(f"duban: {path}: the file name must end in .xlsx or .csv", file=sys.stderr)
        return EXIT_BAD_FILE
    from storage.audit import chain_head

    db = _open_db(settings)
    count = export_ledger(db, path, settings.timezone, period=args.period)
    print(f"exported {count} items to {path}")
    head = chain_head(db)
    if head is not None:  # published with every export: keep it to check with duban verify
        print(f"audit chain head: event #{head.event_id} {head.hash}")
    return EXIT_OK


def cmd_items(args: argparse.Namespace) -> int:
    from bot.cli.listing import item_rows, render_table

    settings = _settings()
    rows = item_rows(_open_db(settings), settings.timezone, status=args.status, unit=args.unit)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        print(render_table(rows))
    return EXIT_OK


def cmd_invite(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bot.domain.audit import Origin
    from bot.domain.lifecycle import Role
    from bot.domain.people import deep_link
    from bot.platforms.telegram.username import UsernameUnknown, ask_telegram
    from bot.services.admin_users import cli_invitation
    from storage.people import bot_username, remember_bot_username

    settings = _settings()
    role = Role(args.role)
    if role is Role.CONTACT and not args.unit:
        print("duban: a contact invitation needs --unit (e.g. --unit 科技局)", file=sys.stderr)
        return EXIT_ROW_ERRORS
    db = _open_db(settings)
    invitation = cli_invitation(
        db, role, args.name or role.value, args.unit, Origin.cli(datetime.now(UTC))
    )
    username, missing = bot_username(db), ""
    if not username:  # the bot has never run on this database: ask Telegram once
        try:
            username = ask_telegram(settings)
        except UsernameUnknown as error:
            missing = str(error)
        else:
            remember_bot_username(db, username)  # as the running bot does at start-up
    if username:
        print(deep_link(username, invitation.code))
    else:
        print(f"/start {invitation.code}")
        print(
            f"duban: no t.me link: {missing}; the invited person sends the bot the /start line",
            file=sys.stderr,
        )
    print(f"valid until {invitation.expires_at.astimezone(settings.timezone):%Y-%m-%d %H:%M}")
    return EXIT_OK


def cmd_assign(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bot.services.assignments import assign_by_name

    settings = _settings()
    db = _open_db(settings)
    env = _work_env(settings, db)
    try:
        said = assign_by_name(db, env, args.code, args.inspector, args.remove, datetime.now(UTC))
    except ValueError as error:
        print(f"duban: {error}", file=sys.stderr)
        return EXIT_ROW_ERRORS
    print(said)
    return EXIT_OK


def cmd_leader_units(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bot.i18n import t
    from bot.services.leaders import LeaderUnitsError, cli_leader_units

    settings = _settings()
    db = _open_db(settings)
    try:
        lines = cli_leader_units(
            db, args.name, args.add or [], args.remove or [], args.lang, datetime.now(UTC)
        )
    except LeaderUnitsError as error:
        print(f"duban: {t(args.lang, error.key, **error.values)}", file=sys.stderr)
        return EXIT_ROW_ERRORS
    for line in lines:
        print(line)
    return EXIT_OK


def cmd_company(args: argparse.Namespace) -> int:
    from bot.cli.company import run_company_cli

    settings = _settings()
    return run_company_cli(_open_db(settings), args.name, args.at, settings.timezone)


def cmd_backup(args: argparse.Namespace) -> int:
    from storage.db import backup

    settings = _settings()
    if not settings.database_path.is_file():
        print(f"duban: no database at {settings.database_path}", file=sys.stderr)
        return EXIT_BAD_FILE
    backup(settings.database_path, args.path)
    print(f"backed up {settings.database_path} to {args.path}")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from bot.domain.audit_chain import valid_head
    from bot.integrity import check, plain

    settings = _settings()
    published = None
    if args.head is not None:
        published = valid_head(args.head)
        if published is None:
            print(
                f"duban: --head {args.head!r} is not a chain head: it must be the 64 hex "
                "characters published in the weekly message, an export or a dossier",
                file=sys.stderr,
            )
            return EXIT_BAD_FILE
    if not settings.database_path.is_file():
        print(f"duban: no database at {settings.database_path}", file=sys.stderr)
        return EXIT_BAD_FILE
    report = check(_open_db(settings), settings.media_dir, published)
    print(f"checked {report.files} evidence files and {report.events} audit events")
    if report.head is not None:
        print(f"chain head: event #{report.head.event_id} {report.head.hash}")
    for problem in report.problems:
        print(f"MISMATCH: {plain(args.lang, problem)}")
    if report.problems:
        print(f"{len(report.problems)} mismatches: the record does not hold as it is")
        return EXIT_ROW_ERRORS
    if published is not None:
        print(f"the published head {published} is in the chain, intact up to it")
    print("OK: every evidence file and every audit event matches")
    return EXIT_OK


def cmd_inbox(args: argparse.Namespace) -> int:
    from bot.cli.inbox import list_set_aside, retry

    settings = _settings()
    db = _open_db(settings)
    if args.action == "retry":
        return retry(db, args.update_id)
    return list_set_aside(db, settings.timezone)


def cmd_browse(args: argparse.Namespace) -> int:
    from bot.cli.browse import run_browse

    return run_browse(_settings().database_path, args.port)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="duban", description="督办 Duban: supervision visits and follow-up on Telegram."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str, handler: Callable[[argparse.Namespace], int]):
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        return command

    add("run", "run the bot (needs TELEGRAM_BOT_TOKEN)", cmd_run)

    demo = add("demo", "start the sandbox, a demo database and the phone page", cmd_demo)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8080)

    sandbox = add("sandbox", "run the local Bot API stand-in alone", cmd_sandbox)
    sandbox.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    sandbox.add_argument("--port", type=int, default=8081)
    sandbox.add_argument("--strict", action="store_true", help="refuse unknown parameters")
    sandbox.add_argument(
        "--no-rate-limits", action="store_true", help="turn Telegram's flood limits off"
    )
    sandbox.add_argument("--state-dir", help="keep users, chats and files here across restarts")

    imp = add("import", "import the supervision table from .xlsx or .csv", cmd_import)
    imp.add_argument("path")
    imp.add_argument("--period", help="period name, e.g. 2024 (default: the latest period)")
    imp.add_argument("--dry-run", action="store_true", help="check everything, write nothing")

    exp = add("export", "export the ledger to .xlsx or .csv", cmd_export)
    exp.add_argument("path")
    exp.add_argument("--period", help="only this period's items")

    items = add("items", "list items", cmd_items)
    items.add_argument("--status", choices=["open", "in_progress", "close_requested", "closed"])
    items.add_argument("--unit", help="lead unit name, e.g. 科技局")
    items.add_argument("--format", choices=["table", "json"], default="table")

    invite = add("invite", "create a single-use invitation link", cmd_invite)
    invite.add_argument(
        "--role", required=True, choices=["inspector", "contact", "admin", "leader"]
    )
    invite.add_argument("--unit", help="the contact's responsible unit, e.g. 科技局")
    invite.add_argument("--name", help="the invited person's name")

    assign = add(
        "assign",
        "assign an inspector to an item (they may then verify its close-out); tells them",
        cmd_assign,
    )
    assign.add_argument("code", help="the item's code, e.g. 2024-012")
    assign.add_argument("--inspector", required=True, help="a registered inspector's name")
    assign.add_argument("--remove", action="store_true", help="remove the assignment instead")
    leader_units = add(
        "leader-units",
        "list the units each leader oversees (分管), or add and remove them; audited",
        cmd_leader_units,
    )
    leader_units.add_argument("name", nargs="?", help="a registered leader's name, e.g. 陈主任")
    leader_units.add_argument("--add", action="append", metavar="UNIT", help="a unit to add")
    leader_units.add_argument(
        "--remove", action="append", metavar="UNIT", help="a unit to take away"
    )
    leader_units.add_argument("--lang", choices=["zh", "en"], default="zh", help="language")
    company = add(
        "company", "show a company's coordinates and visit checks, or set them", cmd_company
    )
    company.add_argument("name", help="the company's name, or part of it")
    company.add_argument("--at", help="set its coordinates (WGS-84), e.g. '32.37, 120.56'")

    browse = add("browse", "browse the data read-only in Datasette (127.0.0.1)", cmd_browse)
    browse.add_argument("--port", type=int, default=8001)

    verify = add(
        "verify",
        "re-hash every evidence file and check the audit hash chain (exit 1 on a mismatch)",
        cmd_verify,
    )
    verify.add_argument(
        "--head", help="a chain head published earlier (weekly message, export, dossier)"
    )
    verify.add_argument("--lang", choices=["en", "zh"], default="en", help="language of the report")

    back = add("backup", "copy the live database consistently", cmd_backup)
    back.add_argument("path")

    box = add("inbox", "list updates that failed and were set aside, or replay one", cmd_inbox)
    actions = box.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="every set-aside update: who, when, what, why")
    again = actions.add_parser("retry", help="put one back in line; the running bot replays it")
    again.add_argument("update_id", type=int, metavar="ID", help="the update's number (#ID)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)
