"""The ledger's rows for an export, in the chat (/export) and at the desk (``duban export``)
alike: both ask for a bot/builders/scope.py ``Scope`` and get its items from there."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.builders.scope import Scope, scoped_items
from bot.domain.escalation import item_level
from bot.sheets.model import ExportData, ExportItem
from bot.sheets.writer import write_csv, write_xlsx
from storage.audit import chain_head
from storage.ledger import assigned_inspectors
from storage.policy import load_policy
from storage.presence import company_points_by_name


def export_data(
    db: sqlite_utils.Database,
    tz: ZoneInfo,
    scope: Scope | None = None,
    *,
    now: datetime | None = None,
    language: str = "zh",
) -> ExportData:
    moment = (now or datetime.now(UTC)).astimezone(tz)
    today = moment.date()
    red_after = load_policy(db).red_after_overdue_days
    scope = scope or Scope()
    items = scoped_items(db, scope)
    assigned = assigned_inspectors(db)
    places = company_points_by_name(db)
    rows = [
        ExportItem(
            **item.sheet_values(),
            code=item.code,
            period=item.period,
            status=item.status.value,
            level=item_level(item, today, red_after),
            last_activity=item.last_activity_at.astimezone(tz),
            inspectors=tuple(name for _, name in assigned.get(item.id, [])),
            point=places.get(item.company) if item.company else None,
        )
        for item in items
    ]
    title = f"督办事项 {scope.period}" if scope.period else "督办事项"
    head = chain_head(db)
    return ExportData(
        title=title,
        today=today,
        items=rows,
        language=language,
        audit_head=head.hash if head else None,
        audit_head_event=head.event_id if head else None,
    )


def export_ledger(
    db: sqlite_utils.Database, path: Path, tz: ZoneInfo, scope: Scope | None = None
) -> int:
    """The scope's items as one sheet (.xlsx) or one table (.csv); the number written."""
    data = export_data(db, tz, scope)
    if path.suffix.lower() == ".csv":
        write_csv(path, data)
    else:
        write_xlsx(path, data)
    return len(data.items)
