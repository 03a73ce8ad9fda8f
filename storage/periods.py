"""A period's (批次) items as of its last day: the one place reports and exports read them.

Every item that ever belonged to the period (``item_periods``, and the items it holds now)
is read as it is, with its audit events, replaced deadlines and progress figures, in a few
bulk queries; bot/domain/as_of.py then works each one back to the period's end, or to the
moment it rolled out of the period if that came first. Nothing is snapshotted, so a database
rolled before this code existed shows its old periods as they were.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.domain.as_of import PastEvent, ReplacedDeadline, item_as_of, item_cutoff, last_day
from bot.domain.audit import ActorKind, AuditAction
from bot.domain.items import Item
from storage.ledger import items_where
from storage.rows import fetch_one, fetch_values

_CHUNK = 500  # ids per IN (…): well under SQLite's limit on bound parameters


@dataclass(frozen=True)
class ItemAsOf:
    """One item of a period as the period's picture shows it."""

    item: Item
    day: date  # the local day its status, level and figure are as of
    figure: float | None  # the latest figure reported by then


@dataclass(frozen=True)
class PeriodPicture:
    """A period's items as of its last day (or today, for a period still running)."""

    name: str
    starts_on: date | None
    day: date  # the last day the picture counts
    items: list[ItemAsOf]


def period_names(db: sqlite_utils.Database) -> list[str]:
    """Every period's name, newest first (as the report and export menus offer them)."""
    return fetch_values(db, "SELECT name FROM periods ORDER BY year DESC, id DESC")


def period_items_as_of(
    db: sqlite_utils.Database, period: str, today: date, tz: ZoneInfo
) -> PeriodPicture | None:
    """The items of period ``period`` as of its last day; None for a period nobody made.

    ``today`` is the local day now: a period still running (its end not yet reached, and
    none of its items rolled out) is shown as it is today.
    """
    row = fetch_one(db, "SELECT id, starts_on, ends_on FROM periods WHERE name = ?", [period])
    if row is None:
        return None
    period_id = row["id"]
    ends_on = date.fromisoformat(row["ends_on"]) if row["ends_on"] else None
    period_end = _midnight_after(ends_on, tz) if ends_on is not None and ends_on < today else None
    ids = fetch_values(
        db,
        "SELECT item_id FROM item_periods WHERE period_id = ? "
        "UNION SELECT id FROM items WHERE period_id = ?",
        [period_id, period_id],
    )
    events = _events(db, ids)
    deadlines = _replaced_deadlines(db, ids)
    figures = _figures(db, ids)
    pictured = []
    for item in _items(db, ids):
        history = events.get(item.id, [])
        left_at = _left_at(history, period_id)
        cutoff = item_cutoff(item.created_at, left_at, period_end)
        past = item_as_of(item, history, deadlines.get(item.id, []), cutoff, period=period)
        day = last_day(cutoff, tz) if cutoff is not None else today
        pictured.append(ItemAsOf(past, day, _figure_before(figures.get(item.id, []), cutoff)))
    starts_on = date.fromisoformat(row["starts_on"]) if row["starts_on"] else None
    picture_day = max((found.day for found in pictured), default=today)
    if not pictured and period_end is not None:
        picture_day = ends_on or today
    return PeriodPicture(period, starts_on, picture_day, pictured)


def imported_period_starts(db: sqlite_utils.Database, ids: list[int]) -> dict[int, date]:
    """For each of ``ids`` that a sheet import created, the first day of the earliest period
    it has belonged to.

    A county's year table is often imported weeks into the year: its items were being
    supervised from the period's start, not from the day the sheet reached the bot, and a
    trend counts them from then (bot.domain.reports.entered_on). Items entered in the chat
    or on a visit are left out: their creation day is their real start.
    """
    found: dict[int, date] = {}
    for chunk in _chunks(ids):
        for item_id, starts_on in db.execute(
            "SELECT ip.item_id, min(p.starts_on) FROM item_periods ip "
            "JOIN periods p ON p.id = ip.period_id "
            f"WHERE ip.item_id IN ({_marks(chunk)}) AND p.starts_on IS NOT NULL AND EXISTS "
            "(SELECT 1 FROM audit_events e WHERE e.item_id = ip.item_id AND e.entity = 'item' "
            "AND e.action = ? AND e.actor_kind = ?) GROUP BY ip.item_id",
            [*chunk, AuditAction.CREATED.value, ActorKind.IMPORT.value],
        ):
            found[item_id] = date.fromisoformat(starts_on)
    return found


def _midnight_after(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tz)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _marks(chunk: list[int]) -> str:
    return ", ".join("?" for _ in chunk)


def _items(db: sqlite_utils.Database, ids: list[int]) -> list[Item]:
    found: list[Item] = []
    for chunk in _chunks(ids):
        found += items_where(db, f"i.id IN ({_marks(chunk)})", chunk)
    return sorted(found, key=lambda item: item.code)


def _events(db: sqlite_utils.Database, ids: list[int]) -> dict[int, list[PastEvent]]:
    """Each item's audit events, oldest first."""
    found: dict[int, list[PastEvent]] = defaultdict(list)
    for chunk in _chunks(ids):
        for item_id, action, at, before, after in db.execute(
            "SELECT item_id, action, at, before, after FROM audit_events "
            f"WHERE item_id IN ({_marks(chunk)}) ORDER BY id",
            chunk,
        ):
            found[item_id].append(PastEvent(action, _moment(at), _json(before), _json(after)))
    return found


def _moment(text: str) -> datetime:
    """A stored time; the ledger writes UTC with its offset, and a bare one is read as UTC."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _json(text: str | None) -> dict:
    value = json.loads(text) if text else None
    return value if isinstance(value, dict) else {}


def _replaced_deadlines(
    db: sqlite_utils.Database, ids: list[int]
) -> dict[int, list[ReplacedDeadline]]:
    """Each item's replaced deadlines, in the order they were replaced."""
    found: dict[int, list[ReplacedDeadline]] = defaultdict(list)
    for chunk in _chunks(ids):
        for item_id, deadline, text, replaced_at in db.execute(
            "SELECT item_id, deadline, deadline_text, replaced_at FROM deadline_history "
            f"WHERE item_id IN ({_marks(chunk)}) ORDER BY id",
            chunk,
        ):
            found[item_id].append(
                ReplacedDeadline(
                    date.fromisoformat(deadline) if deadline else None,
                    text,
                    _moment(replaced_at),
                )
            )
    return found


def _figures(db: sqlite_utils.Database, ids: list[int]) -> dict[int, list[tuple[datetime, float]]]:
    """Each item's reported figures with when they were reported, oldest first."""
    found: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
    for chunk in _chunks(ids):
        for item_id, created_at, figure in db.execute(
            "SELECT item_id, created_at, figure FROM progress_reports "
            f"WHERE figure IS NOT NULL AND item_id IN ({_marks(chunk)}) ORDER BY id",
            chunk,
        ):
            found[item_id].append((_moment(created_at), figure))
    return found


def _left_at(events: Iterable[PastEvent], period_id: int) -> datetime | None:
    """When the item rolled out of the period (its first 滚动办理 away from it), if it did."""
    for event in events:
        if event.action == "rolled_over" and event.before.get("period_id") == period_id:
            return event.at
    return None


def _figure_before(figures: list[tuple[datetime, float]], cutoff: datetime | None) -> float | None:
    """The last figure reported before the cutoff (the last of all, for no cutoff)."""
    kept = [figure for at, figure in figures if cutoff is None or at < cutoff]
    return kept[-1] if kept else None
