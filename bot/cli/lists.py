"""``duban list WHAT``: at the desk, the lists an administrator has in the chat (/red,
/users, /acks, /queue, /visits…) and the ones the chat brings as messages (close-outs and
extensions waiting for a decision), as a table in the office's language or as JSON.

Each list reads the same store functions as its chat command, so the two never disagree;
the JSON keys are stable English names for scripts, the table's headers come from the
catalogue.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.builders import timeline
from bot.builders.scope import Scope, scoped_items, unknown_filters
from bot.cli.export import say
from bot.cli.listing import render_columns
from bot.domain.escalation import item_level
from bot.domain.lifecycle import Role
from bot.i18n import LANGUAGES
from bot.sheets.headers import LEVEL_LABELS, STATUS_LABELS, parse_status
from storage import people, review
from storage import reminders as reminder_store
from storage import visits as visit_store
from storage.ledger import NotFound, get_item, list_items
from storage.policy import load_policy
from storage.presence import company_points_by_name
from storage.rows import fetch_all
from storage.waiting import closeouts_waiting, extensions_waiting

EXIT_OK, EXIT_BAD_VALUE = 0, 1

# How a level may be typed: its code, the sheet's label, or the colour's one character.
LEVEL_WORDS = {
    **{"红": "red", "黄": "yellow", "蓝": "blue"},
    **{"红色": "red", "黄色": "yellow", "蓝色": "blue"},
}


@dataclass(frozen=True)
class ListOptions:
    """The filters ``duban list`` takes (each list reads the ones that apply to it)."""

    status: str | None = None
    level: str | None = None
    period: str | None = None
    town: str | None = None
    unit: str | None = None
    company: str | None = None
    inspector: str | None = None
    role: str | None = None
    code: str | None = None
    limit: int = 50


class Column(NamedTuple):
    """A table column: the row key, its width in terminal columns, and how a stored code
    is said to a person (JSON keeps the code: open, red, inspector, true…)."""

    key: str
    width: int
    words: Callable[[str, object], object] | None = None


@dataclass(frozen=True)
class Listed:
    """One list: its columns and rows keyed alike."""

    columns: tuple[Column, ...]
    rows: list[dict[str, object]]


def _status(lang: str, code: object) -> object:
    return STATUS_LABELS[lang].get(str(code), code)


def _level_words(lang: str, code: object) -> object:
    return LEVEL_LABELS[lang].get(str(code), "")


def _role(lang: str, code: object) -> object:
    return say(lang, f"role.{code}")


def _yes_no(lang: str, value: object) -> object:
    return say(lang, "parity.list.yes" if value else "parity.list.no")


def _yes_or_blank(lang: str, value: object) -> object:
    return say(lang, "parity.list.yes") if value else None


def _ack_kind(lang: str, code: object) -> object:
    return say(lang, f"ack.kind.{code}")


def _queue_kind(lang: str, code: object) -> object:
    return say(lang, f"parity.list.queue_{code}")


def _platform(lang: str, code: object) -> object:
    return say(lang, f"platform.{code}") if code else None


def _accounts(lang: str, accounts: object) -> object:
    """Each account as its platform and id (Telegram 500、钉钉 wang01); none: blank."""
    listed = accounts if isinstance(accounts, list) else []
    separator = "、" if lang == "zh" else ", "
    return separator.join(
        f"{_platform(lang, account['platform'])} {account['account']}" for account in listed
    )


def _ended(lang: str, moment: object) -> object:
    return moment or say(lang, "parity.list.visit_open")


@dataclass(frozen=True)
class Desk:
    """What a list is read with: the database, the office's day and the reader's language."""

    db: sqlite_utils.Database
    tz: ZoneInfo
    today: date
    lang: str


class BadValue(ValueError):
    """A filter value that names nothing (the message is the catalogue's, for the office)."""


def level_code(text: str) -> str | None:
    """``red``/``yellow``/``blue`` from a code, a colour (红, 黄色) or the sheet's label
    (提级督办（红）); None when it is none of them."""
    word = text.strip().lower()
    if word in ("red", "yellow", "blue"):
        return word
    if word in LEVEL_WORDS:
        return LEVEL_WORDS[word]
    for labels in LEVEL_LABELS.values():
        for code, label in labels.items():
            if label and label.lower() == word:
                return code
    return None


def status_code(text: str) -> str | None:
    """A status code from its code (close_requested) or either language's label (办理中)."""
    word = text.strip()
    return word if word in STATUS_LABELS["en"] else parse_status(word)


def _local(moment: str | None, tz: ZoneInfo) -> str:
    return desk_time(datetime.fromisoformat(moment), tz) if moment else ""


def desk_time(moment: datetime, tz: ZoneInfo) -> str:
    """A moment as the office reads it: its own day and minute."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _known(desk: Desk, scope: Scope) -> None:
    """Refuse a period, town, unit or company name that matches nothing, as the export
    does, so a typo is not read as "no items"."""
    unknown = unknown_filters(desk.db, scope)
    if unknown:
        lines = [say(desk.lang, f"parity.cli.unknown.{key}", name=name) for key, name in unknown]
        raise BadValue("\n".join(lines))


def list_items_at_desk(desk: Desk, options: ListOptions) -> Listed:
    """Items by status, level, period, town, unit or company (the chat: /export's scopes,
    /red, /mine)."""
    status = status_code(options.status) if options.status else None
    if options.status and status is None:
        raise BadValue(say(desk.lang, "parity.list.bad_status", value=options.status))
    level = level_code(options.level) if options.level else None
    if options.level and level is None:
        raise BadValue(say(desk.lang, "parity.list.bad_level", value=options.level))
    _known(desk, Scope(options.period, options.town, options.unit, options.company))
    scope = Scope(options.period, options.town, options.unit, options.company)
    rows = []
    red_after = load_policy(desk.db).red_after_overdue_days
    # A period's items as /export shows them: as of its last day.
    for found in scoped_items(desk.db, scope, desk.today, desk.tz).items:
        item = found.item
        item_level_code = item_level(item, found.day, red_after)
        if (status and item.status.value != status) or (level and item_level_code != level):
            continue
        rows.append(
            {
                "code": item.code,
                "status": item.status.value,
                "level": item_level_code,
                "deadline": item.deadline.isoformat() if item.deadline else item.deadline_text,
                "unit": item.unit,
                "town": item.town,
                "company": item.company,
                "problem": item.problem,
            }
        )
    columns = (
        Column("code", 9),
        Column("status", 10, _status),
        Column("level", 15, _level_words),
        Column("deadline", 11),
        Column("unit", 12),
        Column("town", 8),
        Column("company", 12),
        Column("problem", 36),
    )
    return Listed(columns, rows)


def list_red(desk: Desk, options: ListOptions) -> Listed:
    """Every open item at the red level, most overdue first, as /red lists them."""
    red_after = load_policy(desk.db).red_after_overdue_days
    items = [
        item
        for item in list_items(desk.db)
        if item.status.value != "closed" and item_level(item, desk.today, red_after) == "red"
    ]
    items.sort(key=lambda i: (i.deadline is None, i.deadline or desk.today, i.code))
    rows = []
    for item in items:
        overdue = (desk.today - item.deadline).days if item.deadline else None
        rows.append(
            {
                "code": item.code,
                "unit": item.unit,
                "deadline": item.deadline.isoformat() if item.deadline else item.deadline_text,
                "overdue_days": overdue if overdue and overdue > 0 else None,
                "problem": item.problem,
            }
        )
    columns = (
        Column("code", 9),
        Column("unit", 12),
        Column("deadline", 11),
        Column("overdue_days", 9),
        Column("problem", 44),
    )
    return Listed(columns, rows)


def list_visits(desk: Desk, options: ListOptions) -> Listed:
    """Visits, newest first, with who went and how many findings stand (the chat's /visits,
    for one inspector with --inspector, or everyone's)."""
    where, params = "", []
    if options.inspector:
        known = fetch_all(desk.db, "SELECT 1 FROM people WHERE name = ?", [options.inspector])
        if not known:
            raise BadValue(say(desk.lang, "parity.list.no_person", name=options.inspector))
        where = "WHERE v.id IN (SELECT m.visit_id FROM visit_members m "
        where += "JOIN people p ON p.id = m.person_id WHERE p.name = ?)"
        params.append(options.inspector)
    found = fetch_all(
        desk.db,
        "SELECT v.id, v.started_at, v.ended_at, c.name AS company, t.name AS town, "
        "(SELECT group_concat(p.name, '、') FROM visit_members m JOIN people p "
        " ON p.id = m.person_id WHERE m.visit_id = v.id) AS inspectors, "
        "(SELECT count(*) FROM findings f WHERE f.visit_id = v.id AND f.withdrawn = 0) "
        " AS findings "
        "FROM visits v JOIN companies c ON c.id = v.company_id "
        f"LEFT JOIN towns t ON t.id = c.town_id {where} "
        "ORDER BY v.started_at DESC, v.id DESC LIMIT ?",
        [*params, options.limit],
    )
    rows = [
        {
            "started": _local(row["started_at"], desk.tz),
            "ended": _local(row["ended_at"], desk.tz) or None,
            "company": row["company"],
            "town": row["town"],
            "inspectors": row["inspectors"],
            "findings": row["findings"],
        }
        for row in found
    ]
    columns = (
        Column("started", 17),
        Column("ended", 17, _ended),
        Column("company", 14),
        Column("town", 8),
        Column("inspectors", 16),
        Column("findings", 6),
    )
    return Listed(columns, rows)


def role_code(text: str) -> str | None:
    """A role from its code (inspector) or its name in either language (督查人员, 联络员)."""
    word = text.strip().lower()
    for role in Role:
        names = {role.value, *(say(lang, f"role.{role.value}").lower() for lang in LANGUAGES)}
        if word in names or (len(word) >= 2 and any(word in name for name in names)):
            return role.value
    return None


def list_people(desk: Desk, options: ListOptions) -> Listed:
    """Everyone registered, as /users lists them (--role narrows to one role), with each
    person's accounts on the platforms and the one the bot writes to (the one they wrote
    from last), as their card in /users says."""
    role = role_code(options.role) if options.role else None
    if options.role and role is None:
        raise BadValue(say(desk.lang, "parity.list.bad_role", value=options.role))
    held = people.accounts_by_person(desk.db)
    rows = [
        {
            "name": person.name,
            "role": person.role.value,
            "unit": person.unit,
            "active": person.active,
            "language": person.language,
            "accounts": [
                {"platform": account.platform, "account": account.id}
                for account in held.get(person.id, [])
            ],
            "reached": person.address.platform if person.id in held and person.address else None,
        }
        for person in people.all_people(desk.db)
        if role is None or person.role.value == role
    ]
    columns = (
        Column("name", 12),
        Column("role", 16, _role),
        Column("unit", 14),
        Column("active", 6, _yes_no),
        Column("language", 6),
        Column("accounts", 30, _accounts),
        Column("reached", 10, _platform),
    )
    return Listed(columns, rows)


def list_companies(desk: Desk, options: ListOptions) -> Listed:
    """Companies with their town, open items and coordinates (what /company shows one by
    one); --town narrows to one town."""
    _known(desk, Scope(town=options.town))
    places = company_points_by_name(desk.db)
    found = fetch_all(
        desk.db,
        "SELECT c.name, t.name AS town, c.needs_review, "
        "(SELECT count(*) FROM items i WHERE i.company_id = c.id AND i.status != 'closed') "
        " AS open_items "
        "FROM companies c LEFT JOIN towns t ON t.id = c.town_id "
        "WHERE (? IS NULL OR t.name = ?) ORDER BY t.name, c.name",
        [options.town, options.town],
    )
    rows = []
    for row in found:
        point = places.get(row["name"])
        rows.append(
            {
                "name": row["name"],
                "town": row["town"],
                "open_items": row["open_items"],
                "coordinates": f"{point.latitude:.5f}, {point.longitude:.5f}" if point else None,
                "to_review": bool(row["needs_review"]),
            }
        )
    columns = (
        Column("name", 16),
        Column("town", 8),
        Column("open_items", 8),
        Column("coordinates", 22),
        Column("to_review", 8, _yes_or_blank),
    )
    return Listed(columns, rows)


def list_closeouts(desk: Desk, options: ListOptions) -> Listed:
    """Close-out requests (销号申请) waiting for a verifier, oldest first (/waiting)."""
    rows: list[dict[str, object]] = [
        {
            "asked": desk_time(waiting.asked_at, desk.tz),
            "code": waiting.code,
            "unit": waiting.unit,
            "by": waiting.by,
            "claim": waiting.text,
        }
        for waiting in closeouts_waiting(desk.db)
    ]
    columns = (
        Column("asked", 17),
        Column("code", 9),
        Column("unit", 12),
        Column("by", 10),
        Column("claim", 40),
    )
    return Listed(columns, rows)


def list_extensions(desk: Desk, options: ListOptions) -> Listed:
    """Extension requests (延期申请) waiting for an administrator, oldest first (/waiting)."""
    rows: list[dict[str, object]] = [
        {
            "asked": desk_time(waiting.asked_at, desk.tz),
            "code": waiting.code,
            "unit": waiting.unit,
            "by": waiting.by,
            "new_deadline": waiting.new_deadline.isoformat() if waiting.new_deadline else None,
            "reason": waiting.text,
        }
        for waiting in extensions_waiting(desk.db)
    ]
    columns = (
        Column("asked", 17),
        Column("code", 9),
        Column("unit", 12),
        Column("by", 10),
        Column("new_deadline", 11),
        Column("reason", 30),
    )
    return Listed(columns, rows)


def list_acks(desk: Desk, options: ListOptions) -> Listed:
    """Acknowledgements (签收) still owed, by unit, oldest first, as /acks lists them."""
    rows = [
        {
            "unit": ack.unit,
            "code": ack.code,
            "kind": ack.kind,
            "since": ack.sent_on.isoformat(),
            "problem": ack.problem,
        }
        for ack in reminder_store.open_acks(desk.db)
    ]
    columns = (
        Column("unit", 12),
        Column("code", 9),
        Column("kind", 8, _ack_kind),
        Column("since", 11),
        Column("problem", 40),
    )
    return Listed(columns, rows)


def list_queue(desk: Desk, options: ListOptions) -> Listed:
    """What inspectors created on the spot and the office has to complete (/queue)."""
    rows: list[dict[str, object]] = []
    for item_id in review.items_to_review(desk.db):
        item = get_item(desk.db, item_id)
        rows.append(
            {
                "kind": "item",
                "name": item.code,
                "town": item.town,
                "detail": item.problem,
            }
        )
    for company in visit_store.companies_to_review(desk.db):
        rows.append(
            {
                "kind": "company",
                "name": company.name,
                "town": company.town,
                "detail": "",
            }
        )
    columns = (
        Column("kind", 6, _queue_kind),
        Column("name", 16),
        Column("town", 8),
        Column("detail", 44),
    )
    return Listed(columns, rows)


def list_history(desk: Desk, options: ListOptions) -> Listed:
    """One item's events, oldest first, from the one assembler behind /history and the
    export's 事项历史 sheet (bot/builders/timeline.py), in the sheet's words."""
    if not options.code:
        raise BadValue(say(desk.lang, "parity.list.needs_code"))
    try:
        item = get_item(desk.db, options.code.strip())
    except NotFound:
        raise BadValue(say(desk.lang, "parity.list.no_item", code=options.code)) from None
    rows: list[dict[str, object]] = []
    for event in timeline.histories(desk.db, [item.id]).get(item.id, []):
        what, detail = timeline.sheet_cells(desk.lang, event)
        rows.append(
            {
                "when": desk_time(event.at, desk.tz),
                "who": timeline.actor(desk.lang, event),
                "what": what,
                "detail": detail,
            }
        )
    columns = (Column("when", 17), Column("who", 14), Column("what", 16), Column("detail", 50))
    return Listed(columns, rows)


LISTS: dict[str, Callable[[Desk, ListOptions], Listed]] = {
    "items": list_items_at_desk,
    "red": list_red,
    "visits": list_visits,
    "people": list_people,
    "companies": list_companies,
    "closeouts": list_closeouts,
    "extensions": list_extensions,
    "acks": list_acks,
    "queue": list_queue,
    "history": list_history,
}


def run_list_cli(desk: Desk, what: str, options: ListOptions, as_json: bool) -> int:
    """Print one list; a value that names nothing is one line on stderr and exit 1."""
    try:
        listed = LISTS[what](desk, options)
    except BadValue as error:
        print(str(error), file=sys.stderr)
        return EXIT_BAD_VALUE
    if as_json:
        print(json.dumps(listed.rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(render_list(listed, desk.lang))
    return EXIT_OK


def render_list(listed: Listed, lang: str) -> str:
    """The list as a table in ``lang``: headers from the catalogue, codes said in words."""
    columns = [
        (column.key, say(lang, f"parity.list.col.{column.key}"), column.width)
        for column in listed.columns
    ]
    rows = [
        {
            column.key: column.words(lang, row[column.key]) if column.words else row[column.key]
            for column in listed.columns
        }
        for row in listed.rows
    ]
    return render_columns(columns, rows, say(lang, "parity.list.total", count=len(rows)))
