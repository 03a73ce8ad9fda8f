"""Exporting the ledger for the office's desk (``duban export`` and the chat's /export)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.domain.escalation import item_level
from bot.domain.items import Item
from bot.sheets.model import ExportData, ExportItem
from bot.sheets.writer import write_csv, write_xlsx
from storage.audit import chain_head
from storage.ledger import assigned_inspectors, list_items
from storage.periods import ItemAsOf, latest_figures, period_items_as_of
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
    to it as of its last day (storage.periods), so rolling and later changes leave an old
    period's export as it was."""
    moment = (now or datetime.now(UTC)).astimezone(tz)
    today = moment.date()
    red_after = load_policy(db).red_after_overdue_days
    assigned = assigned_inspectors(db)
    names = _people_names(db)
    places = company_points_by_name(db)
    as_of: date | None = None
    if period is None:
        figures = latest_figures(db)
        pictured = [
            ItemAsOf(item, today, figures.get(item.id))
            for item in list_items(db, town=town, unit=unit, company=company)
        ]
    else:
        picture = period_items_as_of(db, period, today, tz)
        pictured = _narrowed(picture.items if picture else [], town, unit, company)
        as_of = picture.day if picture and picture.day < today else None
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
        for found in pictured
    ]
    title = f"督办事项 {period}" if period else "督办事项"
    head = chain_head(db)
    return ExportData(
        title=title,
        today=today,
        items=rows,
        language=language,
        audit_head=head.hash if head else None,
        audit_head_event=head.event_id if head else None,
        as_of=as_of,
    )


def _narrowed(
    items: list[ItemAsOf], town: str | None, unit: str | None, company: str | None
) -> list[ItemAsOf]:
    """A period's items in the chosen town, lead unit or company, as they stood then."""
    wanted = {"town": town, "unit": unit, "company": company}
    return [
        found
        for found in items
        if all(value is None or getattr(found.item, key) == value for key, value in wanted.items())
    ]


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
    db: sqlite_utils.Database, path: Path, tz: ZoneInfo, *, period: str | None = None
) -> int:
    data = export_data(db, tz, period=period)
    if path.suffix.lower() == ".csv":
        write_csv(path, data)
    else:
        write_xlsx(path, data)
    return len(data.items)
