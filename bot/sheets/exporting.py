"""The ledger's rows for an export, in the chat (/export) and at the desk (``duban export``)
alike: both name a period, town, unit or company, and get its items from
bot/builders/scope.py ``scoped_items``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.builders.letterhead import programme
from bot.builders.scope import Scope, scoped_items
from bot.domain.escalation import item_level
from bot.domain.items import Item
from bot.i18n import plain
from bot.sheets.model import ExportData, ExportItem
from bot.sheets.writer import write_csv, write_xlsx
from storage.audit import chain_head
from storage.ledger import assigned_inspectors
from storage.policy import load_policy
from storage.presence import company_points_by_name


def export_data(
    db: sqlite_utils.Database,
    tz: ZoneInfo,
    *,
    period: str | None = None,
    town: str | None = None,
    unit: str | None = None,
    company: str | None = None,
    now: datetime | None = None,
    language: str = "zh",
) -> ExportData:
    """The items to export: as they are now, or, for a period (批次), every item that belonged
    to it as of its last day (bot/builders/scope.py ``scoped_items``)."""
    moment = (now or datetime.now(UTC)).astimezone(tz)
    today = moment.date()
    policy = load_policy(db)
    red_after = policy.red_after_overdue_days
    assigned = assigned_inspectors(db)
    names = _people_names(db)
    places = company_points_by_name(db)
    scope = Scope(period=period, town=town, unit=unit, company=company)
    scoped = scoped_items(db, scope, today, tz)
    rows = [
        ExportItem(
            **found.item.sheet_values(),
            code=found.item.code,
            period=found.item.period,
            status=found.item.status.value,
            level=item_level(found.item, found.day, red_after),
            last_activity=found.item.last_activity_at.astimezone(tz),
            inspectors=_inspector_names(found.item, assigned, names),
            point=places.get(found.item.company) if found.item.company else None,
            latest_figure=found.figure,
        )
        for found in scoped.items
    ]
    title = ledger_title(language, programme(policy, language), scope, scoped.as_of or today)
    head = chain_head(db)
    return ExportData(
        title=title,
        today=today,
        items=rows,
        language=language,
        audit_head=head.hash if head else None,
        audit_head_event=head.event_id if head else None,
        as_of=scoped.as_of,
    )


def ledger_title(language: str, programme_name: str, scope: Scope, day: date) -> str:
    """The title the workbook prints under: the programme, the place when one was chosen,
    and the period (批次) with the day its items are shown as of."""
    if scope.period:
        named = plain(language, "periods.export.scope", name=scope.period)
        when = plain(language, "workbooks.period_as_of", period=named, day=day.isoformat())
    else:
        when = plain(language, "workbooks.as_of", day=day.isoformat())
    place = scope.place()
    if place:
        return plain(
            language,
            "workbooks.ledger.title_scoped",
            programme=programme_name,
            scope=place,
            when=when,
        )
    return plain(language, "workbooks.ledger.title", programme=programme_name, when=when)


def _people_names(db: sqlite_utils.Database) -> dict[int, str]:
    return {person_id: name for person_id, name in db.execute("SELECT id, name FROM people")}


def _inspector_names(
    item: Item, assigned: dict[int, list[tuple[int, str]]], names: dict[int, str]
) -> tuple[str, ...]:
    """The office's inspectors of the item, in the order assigned; for an item as of a past
    day, those assigned then (the order of today's assignments, then any removed since)."""
    now = [name for person_id, name in assigned.get(item.id, []) if person_id in item.inspector_ids]
    ordered = {person_id for person_id, _ in assigned.get(item.id, [])}
    then = [names[p] for p in sorted(item.inspector_ids - ordered) if p in names]
    return tuple(now + then)


def export_ledger(
    db: sqlite_utils.Database,
    path: Path,
    tz: ZoneInfo,
    *,
    period: str | None = None,
    town: str | None = None,
    unit: str | None = None,
    company: str | None = None,
) -> int:
    """The scope's items as one sheet (.xlsx) or one table (.csv); the number written."""
    data = export_data(db, tz, period=period, town=town, unit=unit, company=company)
    if path.suffix.lower() == ".csv":
        write_csv(path, data)
    else:
        write_xlsx(path, data)
    return len(data.items)
