"""The ``duban`` command: a thin layer that parses arguments and calls the library.

What it prints is in the command line's language (bot/cli/language.py: ``--lang``, else the
locale, else DEFAULT_LANGUAGE); its ``--help`` stays English, as argparse's own words are.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.cli.language import cli_language
from bot.config import LANGUAGES, ConfigError, Settings, load_settings
from bot.domain.policy import PolicyError
from bot.i18n import plain
from bot.services.policy_refusals import refusal_text

EXIT_OK, EXIT_ROW_ERRORS, EXIT_BAD_FILE, EXIT_CONFIG = 0, 1, 2, 3
LANG_HELP = "language of what it prints (default: the locale, else DEFAULT_LANGUAGE, else zh)"


def say(lang: str, key: str, /, **values: object) -> None:
    """Print one catalogue message as plain text."""
    print(plain(lang, key, **values))


def complain(lang: str, key: str, /, **values: object) -> None:
    """Print one catalogue message to standard error."""
    print(plain(lang, key, **values), file=sys.stderr)


def _settings(lang: str) -> Settings:
    try:
        return load_settings()
    except ConfigError as error:
        for fault in error.faults:
            complain(lang, "cli.config", problem=ConfigError.say(lang, fault))
        raise SystemExit(EXIT_CONFIG) from None


def _open_db(settings: Settings, lang: str):
    import sqlite_utils

    from storage.db import open_database
    from storage.migrations import SchemaTooNewError, unknown_migrations

    path = settings.database_path
    try:
        return open_database(path)
    except SchemaTooNewError:
        names = ", ".join(unknown_migrations(sqlite_utils.Database(path)))
        complain(lang, "cli.schema_too_new", path=path, migrations=names)
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
        dingtalk_admin_ids=settings.dingtalk.admin_ids,
        front_ends=settings.front_ends,
    )


def cmd_run(args: argparse.Namespace) -> int:
    from bot.runtime.startup import run_bot

    settings = _settings(args.lang)
    if not settings.token and not settings.dingtalk_configured:  # neither front-end is set
        complain(args.lang, "cli.no_token")
        return EXIT_CONFIG
    return run_bot(settings)


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.cli.demo import run_demo

    return run_demo(host=args.host, port=args.port, lang=args.lang)


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

    settings = _settings(args.lang)
    db = _open_db(settings, args.lang)
    env = _work_env(settings, db)
    return run_import_cli(db, Path(args.path), args.period, args.dry_run, env, args.lang)


def cmd_export(args: argparse.Namespace) -> int:
    from bot.builders.scope import Scope
    from bot.cli.export import ExportRequest, run_export_cli

    lang = args.lang
    settings = _settings(lang)
    path = Path(args.path)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        complain(lang, "cli.export.bad_name", path=path)
        return EXIT_BAD_FILE
    scope = Scope(period=args.period, town=args.town, unit=args.unit, company=args.company)
    zipped = Path(args.evidence_zip) if args.evidence_zip else None
    request = ExportRequest(path, scope, history=args.history, evidence_zip=zipped)
    return run_export_cli(_open_db(settings, lang), settings, request, lang)


def cmd_items(args: argparse.Namespace) -> int:
    from bot.cli.listing import item_rows, render_table

    settings = _settings(args.lang)
    db = _open_db(settings, args.lang)
    rows = item_rows(db, settings.timezone, status=args.status, unit=args.unit)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        print(render_table(rows, args.lang))
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bot.cli.lists import Desk, ListOptions, run_list_cli
    from bot.clock import local_day

    settings = _settings(args.lang)
    desk = Desk(
        _open_db(settings, args.lang),
        settings.timezone,
        local_day(datetime.now(UTC), settings.timezone),
        args.lang,
    )
    options = ListOptions(
        status=args.status,
        level=args.level,
        period=args.period,
        town=args.town,
        unit=args.unit,
        company=args.company,
        inspector=args.inspector,
        role=args.role,
        code=args.code,
        limit=args.limit,
    )
    return run_list_cli(desk, args.what, options, args.format == "json")


def cmd_invite(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bot.domain.audit import Origin
    from bot.domain.lifecycle import Role
    from bot.domain.people import deep_link
    from bot.platforms.telegram.username import UsernameUnknown, ask_telegram
    from bot.services.admin_users import cli_invitation
    from storage.people import bot_username, remember_bot_username

    lang = args.lang
    settings = _settings(lang)
    role = Role(args.role)
    if role is Role.CONTACT and not args.unit:
        complain(lang, "cli.invite.needs_unit")
        return EXIT_ROW_ERRORS
    db = _open_db(settings, lang)
    invitation = cli_invitation(
        db, role, args.name or role.value, args.unit, Origin.cli(datetime.now(UTC))
    )
    username, missing = bot_username(db), ""
    if not username:  # the bot has never run on this database: ask Telegram once
        try:
            username = ask_telegram(settings)
        except UsernameUnknown as error:
            missing = plain(lang, f"cli.username.{error.kind}", **error.values)
        else:
            remember_bot_username(db, username)  # as the running bot does at start-up
    if username:
        print(deep_link(username, invitation.code))
    else:
        print(f"/start {invitation.code}")
        complain(lang, "cli.invite.no_link", reason=missing)
    if settings.dingtalk_configured:  # DingTalk people join by sending the robot the code
        say(lang, "invite.join_dingtalk", code=invitation.code)
    until = f"{invitation.expires_at.astimezone(settings.timezone):%Y-%m-%d %H:%M}"
    say(lang, "cli.invite.valid_until", until=until)
    return EXIT_OK


def cmd_assign(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bot.services.assignments import AssignRefused, assign_by_name

    lang = args.lang
    settings = _settings(lang)
    db = _open_db(settings, lang)
    env = _work_env(settings, db)
    at = datetime.now(UTC)
    try:
        key, values = assign_by_name(db, env, args.code, args.inspector, args.remove, at)
    except AssignRefused as refused:
        complain(lang, "cli.error", text=plain(lang, refused.key, **refused.values))
        return EXIT_ROW_ERRORS
    say(lang, key, **values)
    return EXIT_OK


def cmd_leader_units(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bot.services.leaders import LeaderUnitsError, cli_leader_units

    settings = _settings(args.lang)
    db = _open_db(settings, args.lang)
    try:
        lines = cli_leader_units(
            db, args.name, args.add or [], args.remove or [], args.lang, datetime.now(UTC)
        )
    except LeaderUnitsError as error:
        complain(args.lang, "cli.error", text=plain(args.lang, error.key, **error.values))
        return EXIT_ROW_ERRORS
    for line in lines:
        print(line)
    return EXIT_OK


def cmd_company(args: argparse.Namespace) -> int:
    from bot.cli.company import run_company_cli

    settings = _settings(args.lang)
    db = _open_db(settings, args.lang)
    return run_company_cli(db, args.name, args.at, settings.timezone, args.lang)


def cmd_backup(args: argparse.Namespace) -> int:
    from bot.cli.backups import run_backup_cli
    from storage.db import backup

    settings = _settings(args.lang)
    if not settings.database_path.is_file():
        complain(args.lang, "cli.no_database", path=settings.database_path)
        return EXIT_BAD_FILE
    if args.path is None:  # the daily backup, now: database, evidence files, manifest
        return run_backup_cli(settings, args.lang)
    backup(settings.database_path, args.path)
    say(args.lang, "cli.backup.done", source=settings.database_path, target=args.path)
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from bot.cli.backups import run_restore_cli

    settings = _settings(args.lang)
    media = Path(args.media) if args.media else None
    return run_restore_cli(settings, Path(args.backup), media, args.lang)


def cmd_alive(args: argparse.Namespace) -> int:
    from bot.cli.backups import run_alive_cli

    return run_alive_cli(_settings(args.lang), args.lang)


def cmd_status(args: argparse.Namespace) -> int:
    from bot.cli.health import run_status_cli

    settings = _settings(args.lang)
    return run_status_cli(settings, args.lang, args.format == "json", args.health_check)


def cmd_doctor(args: argparse.Namespace) -> int:
    from bot.cli.health import run_doctor_cli

    return run_doctor_cli(args.lang)


def cmd_verify(args: argparse.Namespace) -> int:
    from bot.domain.audit_chain import valid_head
    from bot.integrity import check
    from bot.integrity import plain as problem_text

    lang = args.lang
    settings = _settings(lang)
    published = None
    if args.head is not None:
        published = valid_head(args.head)
        if published is None:
            complain(lang, "cli.verify.bad_head", head=args.head)
            return EXIT_BAD_FILE
    if not settings.database_path.is_file():
        complain(lang, "cli.no_database", path=settings.database_path)
        return EXIT_BAD_FILE
    report = check(_open_db(settings, lang), settings.media_dir, published)
    say(lang, "cli.verify.checked", files=report.files, events=report.events)
    if report.head is not None:
        say(lang, "cli.verify.head", event=report.head.event_id, hash=report.head.hash)
    for problem in report.problems:
        say(lang, "cli.verify.mismatch", problem=problem_text(lang, problem))
    if report.problems:
        say(lang, "cli.verify.mismatches", count=len(report.problems))
        return EXIT_ROW_ERRORS
    if published is not None:
        say(lang, "cli.verify.published", head=published)
    say(lang, "cli.verify.ok")
    return EXIT_OK


def cmd_inbox(args: argparse.Namespace) -> int:
    from bot.cli.inbox import list_set_aside, retry

    settings = _settings(args.lang)
    db = _open_db(settings, args.lang)
    if args.action == "retry":
        return retry(db, args.update_id, args.lang)
    return list_set_aside(db, settings.timezone, args.lang)


def cmd_browse(args: argparse.Namespace) -> int:
    from bot.cli.browse import run_browse

    return run_browse(_settings(args.lang).database_path, args.port, args.lang)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="duban", description="督办 Duban: supervision visits and follow-up on Telegram."
    )
    parser.add_argument("--lang", choices=LANGUAGES, help=LANG_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str, handler: Callable[[argparse.Namespace], int]):
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        # Also after the command (duban verify --lang zh); given there, it wins.
        command.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=LANG_HELP)
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

    exp = add(
        "export",
        "export the ledger to .xlsx or .csv, of a period, town, unit or company as /export does",
        cmd_export,
    )
    exp.add_argument("path")
    exp.add_argument("--period", help="only this period's (批次) items, e.g. 2024")
    exp.add_argument("--town", help="only this town's items, e.g. 磨头镇")
    exp.add_argument("--unit", help="only this lead unit's items, e.g. 科技局")
    exp.add_argument("--company", help="only this company's items, e.g. 力威机械")
    exp.add_argument(
        "--history", action="store_true", help="add the item history sheet (事项历史), as /export"
    )
    exp.add_argument(
        "--evidence-zip",
        metavar="ZIP",
        help="also write the workbook with every evidence file as .zip (parts of 45 MB)",
    )

    items = add("items", "list items", cmd_items)
    items.add_argument("--status", choices=["open", "in_progress", "close_requested", "closed"])
    items.add_argument("--unit", help="lead unit name, e.g. 科技局")
    items.add_argument("--format", choices=["table", "json"], default="table")

    listing = add(
        "list",
        "list what the chat lists: items, red, visits, people, companies, closeouts, "
        "extensions, acks, queue, an item's history",
        cmd_list,
    )
    listing.add_argument(
        "what",
        choices=[
            *("items", "red", "visits", "people", "companies"),
            *("closeouts", "extensions", "acks", "queue", "history"),
        ],
        metavar="WHAT",
        help="items | red | visits | people | companies | closeouts | extensions | acks | "
        "queue | history",
    )
    listing.add_argument("--status", help="items: open, in_progress… or 待办理, 办理中…")
    listing.add_argument("--level", help="items: red, yellow, blue or 红, 黄, 蓝")
    listing.add_argument("--period", help="items: this period's (批次), e.g. 2024")
    listing.add_argument("--town", help="items, companies: this town's, e.g. 磨头镇")
    listing.add_argument("--unit", help="items: this lead unit's, e.g. 科技局")
    listing.add_argument("--company", help="items: this company's")
    listing.add_argument("--inspector", help="visits: this person's, e.g. 王督查")
    listing.add_argument("--role", help="people: inspector, contact, admin, leader or 督查人员…")
    listing.add_argument("--code", help="history: the item's code, e.g. 2024-012")
    listing.add_argument("--limit", type=int, default=50, help="visits: how many (default 50)")
    listing.add_argument("--format", choices=["table", "json"], default="table")

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

    back = add(
        "backup",
        "take the daily backup now (database, evidence files and their manifest) into the "
        "folder /settings names; with PATH, only copy the live database to PATH",
        cmd_backup,
    )
    back.add_argument("path", nargs="?", help="a file for a copy of the database alone")

    restore = add(
        "restore",
        "restore a backup folder into an empty data folder (DATABASE_PATH must not exist), "
        "then check it as verify does",
        cmd_restore,
    )
    restore.add_argument(
        "backup", metavar="BACKUP", help="a backup folder, e.g. data/backups/duban-20261207-030000Z"
    )
    restore.add_argument(
        "--media", metavar="DIR", help="an empty folder for the evidence files (default MEDIA_DIR)"
    )

    add("alive", "exit 0 when the database opens and answers (container health check)", cmd_alive)

    status = add(
        "status",
        "the health figures against their thresholds, read-only beside the running bot "
        "(exit 1 when any is past)",
        cmd_status,
    )
    status.add_argument("--format", choices=["text", "json"], default="text")
    status.add_argument(
        "--health-check",
        action="store_true",
        help="only what a restart can mend: updates and messages waiting (container check)",
    )

    add(
        "doctor",
        "check the settings, Telegram, DingTalk, the database, disk and font (exit 1 on a failure)",
        cmd_doctor,
    )

    box = add("inbox", "list updates that failed and were set aside, or replay one", cmd_inbox)
    actions = box.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="every set-aside update: who, when, what, why")
    again = actions.add_parser("retry", help="put one back in line; the running bot replays it")
    again.add_argument("update_id", type=int, metavar="ID", help="the update's number (#ID)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.lang = cli_language(args.lang, os.environ)
    try:
        return args.handler(args)
    except PolicyError as error:  # a stored setting no version of the bot would write
        complain(
            args.lang,
            "cli.policy",
            label=plain(args.lang, f"setting.{error.setting}"),
            reason=refusal_text(args.lang, error),
        )
        return EXIT_CONFIG
