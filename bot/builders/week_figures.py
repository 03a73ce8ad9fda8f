"""The weekly digest's figures: one Monday–Sunday week (local dates, Asia/Shanghai).

The digest message (bot/services/digest.py) and the workbook behind its "full report"
button (bot/builders/weekly_report.py) both count from here, so the file a leader forwards
says exactly what the message said. The digest of the week starting ``monday`` covers the
seven days before it; "today" (for red items and overdue counts) is the moment of asking.

Plain SQL reads only, so it runs on the bot's connection or the builder's read-only one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.builders.data import tongbao_key
from bot.clock import local_day
from bot.domain.escalation import item_level
from bot.domain.items import Item
from bot.domain.lifecycle import Status
from storage import ledger
from storage.policy import load_policy


@dataclass(frozen=True)
class UnitWeek:
    """One lead unit's items: all of them as of today, and what happened in the week."""

    name: str  # "" for items without a lead unit
    total: int
    closed: int
    overdue: int  # open and past the deadline today
    closed_in_week: int
    newly_overdue: int

    @property
    def rate(self) -> float:
        return self.closed / self.total if self.total else 0.0


@dataclass(frozen=True)
class WeekFigures:
    monday: date  # the digest's week; the figures cover the seven days before it
    start: date
    end: date
    today: date
    closed: list[Item]  # closed on a local day of the week
    newly_overdue: list[Item]  # still open, and their first overdue day fell in the week
    red: list[Item]  # open and red today
    units: list[UnitWeek]  # in the 通报's order; items without a lead unit last

    @property
    def total(self) -> int:
        return sum(unit.total for unit in self.units)

    @property
    def closed_total(self) -> int:
        return sum(unit.closed for unit in self.units)

    @property
    def overdue_total(self) -> int:
        return sum(unit.overdue for unit in self.units)

    @property
    def rate(self) -> float:
        return self.closed_total / self.total if self.total else 0.0


def week_range(monday: date) -> tuple[date, date]:
    """The Monday and Sunday of the week before ``monday``: what its digest covers."""
    return monday - timedelta(days=7), monday - timedelta(days=1)


def days_overdue(item: Item, today: date) -> int | None:
    """Whole days past the deadline (the deadline day itself is still in time)."""
    if item.deadline is None or item.status is Status.CLOSED or today <= item.deadline:
        return None
    return (today - item.deadline).days


def closed_on(item: Item, tz: ZoneInfo) -> date | None:
    return local_day(item.closed_at, tz) if item.closed_at else None


def tongbao_order(unit: UnitWeek) -> tuple:
    """The 通报's ranking; items without a lead unit are not ranked and come last."""
    return (unit.name == "", *tongbao_key(unit))


def collect_week(
    db: sqlite_utils.Database, monday: date, now: datetime, tz: ZoneInfo
) -> WeekFigures:
    """The figures of the digest for the week starting ``monday``, as of ``now``."""
    start, end = week_range(monday)
    red_after = load_policy(db).red_after_overdue_days
    today = local_day(now, tz)
    closed, newly_overdue, red = [], [], []
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for item in ledger.iter_items(db):
        unit = counts[item.unit or ""]
        unit[0] += 1
        if item.status is Status.CLOSED:
            unit[1] += 1
            day = closed_on(item, tz)
            if day is not None and start <= day <= end:
                closed.append(item)
                unit[3] += 1
            continue
        if days_overdue(item, today) is not None:
            unit[2] += 1
        if item.deadline is not None and start <= item.deadline + timedelta(days=1) <= end:
            newly_overdue.append(item)
            unit[4] += 1
        if item_level(item, today, red_after) == "red":
            red.append(item)
    units = sorted((UnitWeek(name, *values) for name, values in counts.items()), key=tongbao_order)
    return WeekFigures(monday, start, end, today, closed, newly_overdue, red, units)
