"""The figures behind /report and the 通报: one pass of SQL over the items, then counting.

Everything here takes a (read-only) connection and plain values, so it runs in a worker
thread on its own connection; 10 000 items take a few tens of milliseconds. Dates are local
(Asia/Shanghai): an item closed at 23:30 local time on Sunday counts in that week.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.clock import local_day
from bot.domain.items import Item
from bot.domain.reports import Scope, entered_on, period_range, progress_percent, week_starts
from storage import followup
from storage.periods import imported_period_starts, period_items_as_of
from storage.rows import fetch_all, fetch_values


@dataclass(frozen=True)
class Filters:
    """What the person chose with the buttons (all optional but the period)."""

    period: str = "quarter"
    area: str | None = None  # area code, e.g. "hightech"
    town: str | None = None  # town name
    unit: str | None = None  # lead unit name (admins and leaders)
    # A period (批次) by name: its items as of its last day, instead of the calendar range.
    batch: str | None = None


@dataclass(frozen=True)
class UnitRow:
    name: str
    total: int
    closed: int
    overdue: int

    @property
    def rate(self) -> float:
        return self.closed / self.total if self.total else 0.0


class Ranked(Protocol):
    """What the 通报 ranks a unit by: its counts, whatever else a row carries."""

    @property
    def name(self) -> str: ...
    @property
    def total(self) -> int: ...
    @property
    def overdue(self) -> int: ...
    @property
    def rate(self) -> float: ...


@dataclass(frozen=True)
class CountRow:
    """Items of one area or town, split into still open and closed."""

    name: str
    open: int
    closed: int

    @property
    def total(self) -> int:
        return self.open + self.closed


@dataclass(frozen=True)
class WeekPoint:
    monday: date
    open: int  # still open at the end of the week
    closed: int  # closed by the end of the week (all time)
    new: int  # created during the week
    closed_in_week: int


@dataclass(frozen=True)
class TargetRow:
    """Progress toward numeric targets in one area: mean of the items' percentages."""

    name: str
    items: int
    mean_percent: float


@dataclass
class ReportData:
    start: date
    end: date
    total: int = 0
    closed: int = 0
    overdue: int = 0
    new_in_period: int = 0
    closed_in_period: int = 0
    visits_in_period: int = 0
    units: list[UnitRow] = field(default_factory=list)
    areas: list[CountRow] = field(default_factory=list)
    towns: list[CountRow] = field(default_factory=list)
    weeks: list[WeekPoint] = field(default_factory=list)
    visits: list[tuple[str, int]] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    # Items the area and town charts leave out, so each can say how many it does not show.
    without_area: int = 0
    without_town: int = 0
    batch: str | None = None  # the period (批次) chosen by name, if one was

    @property
    def rate(self) -> float:
        return self.closed / self.total if self.total else 0.0


def scope_clause(scope: Scope) -> tuple[str, list]:
    """SQL condition on ``items i`` for a scope."""
    if scope.kind == "unit":
        return (
            "(i.unit_id = ? OR i.id IN (SELECT item_id FROM item_co_units WHERE unit_id = ?))",
            [scope.unit_id, scope.unit_id],
        )
    if scope.kind == "inspector":
        return (
            "(i.id IN (SELECT item_id FROM item_inspectors WHERE person_id = ?) OR i.id IN "
            "(SELECT item_id FROM findings WHERE person_id = ? AND item_id IS NOT NULL))",
            [scope.person_id, scope.person_id],
        )
    return "1", []


def _filter_clauses(filters: Filters) -> tuple[list[str], list]:
    clauses, params = [], []
    if filters.area:
        clauses.append("a.code = ?")
        params.append(filters.area)
    if filters.town:
        clauses.append("t.name = ?")
        params.append(filters.town)
    if filters.unit:
        clauses.append("u.name = ?")
        params.append(filters.unit)
    return clauses, params


def _local_day(text: str | None, tz: ZoneInfo) -> date | None:
    return local_day(datetime.fromisoformat(text), tz) if text else None


def _utc_end_of(day: date, tz: ZoneInfo) -> str:
    return datetime.combine(day + timedelta(days=1), time(), tz).astimezone(UTC).isoformat()


def _utc_start_of(day: date, tz: ZoneInfo) -> str:
    return datetime.combine(day, time(), tz).astimezone(UTC).isoformat()


def collect(
    db: sqlite_utils.Database,
    scope: Scope,
    filters: Filters,
    today: date,
    tz: ZoneInfo,
    language: str = "zh",
) -> ReportData:
    """Every figure of the report for this scope, filters and period ending ``today``."""
    where, params = scope_clause(scope)
    if filters.batch:
        rows, figures, start, end = _batch_rows(db, where, params, filters, today, tz, language)
    else:
        rows, figures, start, end = _current_rows(db, where, params, filters, today, tz, language)
    data = ReportData(start=start, end=end, batch=filters.batch)
    imported = imported_period_starts(db, [row[0] for row in rows])

    units: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    areas: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    towns: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    targets: dict[str, list[float]] = defaultdict(list)
    created_days: list[date] = []
    closed_days: list[date] = []
    for item_id, status, deadline, created, closed_at, target, unit, area, town, day in rows:
        created_day = _local_day(created, tz)
        if created_day > end:
            continue
        created_days.append(entered_on(created_day, imported.get(item_id)))
        is_closed = status == "closed"
        closed_day = _local_day(closed_at, tz) if is_closed else None
        if closed_day is not None:
            closed_days.append(closed_day)
        overdue = not is_closed and deadline is not None and deadline < day
        data.total += 1
        data.closed += is_closed
        data.overdue += overdue
        data.new_in_period += start <= created_day <= end
        data.closed_in_period += closed_day is not None and start <= closed_day <= end
        counts = units[unit or ""]
        counts[0] += 1
        counts[1] += is_closed
        counts[2] += overdue
        if area:
            areas[area][is_closed] += 1
        else:
            data.without_area += 1
        if town:
            towns[town][is_closed] += 1
        else:
            data.without_town += 1
        percent = progress_percent(100.0 if is_closed else figures.get(item_id), target)
        if percent is not None and area:
            targets[area].append(percent)

    data.units = sorted((UnitRow(name, *counts) for name, counts in units.items()), key=tongbao_key)
    data.areas = _count_rows(areas, _area_order(db, language))
    data.towns = _count_rows(towns, None)
    data.targets = sorted(
        (
            TargetRow(name, len(values), sum(values) / len(values))
            for name, values in targets.items()
        ),
        key=lambda row: (-row.mean_percent, row.name),
    )
    if filters.period == "all" and not filters.batch:  # all time: from the first item counted
        data.start = min([start, *created_days])
    data.weeks = _weeks(created_days, closed_days, data.start, end)
    data.visits = _visits_per_town(db, scope, filters, data.start, end, tz)
    data.visits_in_period = sum(count for _, count in data.visits)
    return data


# One item as the counting loop reads it: id, status, deadline, created_at, closed_at,
# target number, lead unit, area and town names, and the ISO day it is judged overdue on.
_Row = tuple[int, str, str | None, str, str | None, float | None, str, str, str, str]


def _current_rows(
    db: sqlite_utils.Database,
    where: str,
    params: list,
    filters: Filters,
    today: date,
    tz: ZoneInfo,
    language: str,
) -> tuple[list[_Row], dict[int, float], date, date]:
    """The items as they are now, their latest figures, and the calendar range chosen."""
    clauses, filter_params = _filter_clauses(filters)
    area_name = "a.name_en" if language == "en" else "a.name_zh"
    found = fetch_all(
        db,
        f"SELECT i.id, i.status, i.deadline, i.created_at, i.closed_at, i.target_number, "
        f"u.name, {area_name}, t.name FROM items i "
        "LEFT JOIN units u ON u.id = i.unit_id LEFT JOIN areas a ON a.id = i.area_id "
        "LEFT JOIN towns t ON t.id = i.town_id "
        f"WHERE {' AND '.join([where, *clauses])}",
        [*params, *filter_params],
    )
    rows: list[_Row] = [(*row, today.isoformat()) for row in found]  # type: ignore[misc]
    earliest = min((_local_day(r["created_at"], tz) for r in found), default=today)
    start, end = period_range(filters.period, today, earliest)
    return rows, followup.latest_figures(db, where, params), start, end


def _batch_rows(
    db: sqlite_utils.Database,
    where: str,
    params: list,
    filters: Filters,
    today: date,
    tz: ZoneInfo,
    language: str,
) -> tuple[list[_Row], dict[int, float], date, date]:
    """A period's items as of its last day (storage.periods), their figures then, and the
    period's days: from its first day (or its first item) to its last day (or today).

    Whose items a person sees is decided as today (scope); the area, town and unit chosen
    narrow the items as they stood then.
    """
    picture = period_items_as_of(db, filters.batch or "", today, tz)
    if picture is None:
        return [], {}, today, today
    visible = set(fetch_values(db, f"SELECT i.id FROM items i WHERE {where}", params))
    areas = _areas_by_chinese_name(db, language)
    rows: list[_Row] = []
    figures: dict[int, float] = {}
    for found in picture.items:
        item = found.item
        code, area = areas.get(item.area or "", (None, item.area or ""))
        if item.id not in visible or (filters.area and code != filters.area):
            continue
        if (filters.town and item.town != filters.town) or (
            filters.unit and item.unit != filters.unit
        ):
            continue
        rows.append(_batch_row(item, area, found.day))
        if found.figure is not None:
            figures[item.id] = found.figure
    created = [_local_day(row[3], tz) or today for row in rows]
    start = min([picture.starts_on or today, *created])
    return rows, figures, start, max(picture.day, start)


def _batch_row(item: Item, area: str, day: date) -> _Row:
    return (
        item.id,
        item.status.value,
        item.deadline.isoformat() if item.deadline else None,
        item.created_at.isoformat(),
        item.closed_at.isoformat() if item.closed_at else None,
        item.target_number,
        item.unit or "",
        area,
        item.town or "",
        day.isoformat(),
    )


def _areas_by_chinese_name(db: sqlite_utils.Database, language: str) -> dict[str, tuple[str, str]]:
    """Area name as an item holds it (Chinese) → its code and the name shown in ``language``."""
    column = "name_en" if language == "en" else "name_zh"
    return {
        name_zh: (code, shown)
        for name_zh, code, shown in db.execute(f"SELECT name_zh, code, {column} FROM areas")
    }


def _count_rows(counts: dict[str, list[int]], order: list[str] | None) -> list[CountRow]:
    rows = [CountRow(name, open_, closed) for name, (open_, closed) in counts.items()]
    if order is not None:  # the 1+8 areas keep their official order
        rank = {name: index for index, name in enumerate(order)}
        return sorted(rows, key=lambda row: rank.get(row.name, len(rank)))
    return sorted(rows, key=lambda row: (-row.total, row.name))


def _area_order(db: sqlite_utils.Database, language: str) -> list[str]:
    column = "name_en" if language == "en" else "name_zh"
    return fetch_values(db, f"SELECT {column} FROM areas ORDER BY id")


def _weeks(created: list[date], closed: list[date], start: date, end: date) -> list[WeekPoint]:
    created.sort()
    closed.sort()
    points = []
    for monday in week_starts(start, end):
        sunday = min(monday + timedelta(days=6), end)
        made = bisect.bisect_right(created, sunday)
        done = bisect.bisect_right(closed, sunday)
        points.append(
            WeekPoint(
                monday=monday,
                open=made - done,
                closed=done,
                new=made - bisect.bisect_left(created, monday),
                closed_in_week=done - bisect.bisect_left(closed, monday),
            )
        )
    return points


def _visits_per_town(
    db: sqlite_utils.Database,
    scope: Scope,
    filters: Filters,
    start: date,
    end: date,
    tz: ZoneInfo,
) -> list[tuple[str, int]]:
    """Visits started in the period, by the town of the company visited."""
    clauses = ["v.started_at >= ?", "v.started_at < ?"]
    params: list = [_utc_start_of(start, tz), _utc_end_of(end, tz)]
    if scope.kind == "inspector":
        clauses.append(
            "(v.started_by = ? OR v.id IN (SELECT visit_id FROM visit_members WHERE person_id = ?))"
        )
        params += [scope.person_id, scope.person_id]
    item_clauses, item_params = _filter_clauses(Filters(area=filters.area, unit=filters.unit))
    if scope.kind == "unit" or item_clauses:
        where, scope_params = scope_clause(scope)
        clauses.append(
            "v.id IN (SELECT f.visit_id FROM findings f JOIN items i ON i.id = f.item_id "
            "LEFT JOIN units u ON u.id = i.unit_id LEFT JOIN areas a ON a.id = i.area_id "
            f"WHERE {' AND '.join([where, *item_clauses])})"
        )
        params += scope_params + item_params
    if filters.town:
        clauses.append("t.name = ?")
        params.append(filters.town)
    rows = fetch_all(
        db,
        "SELECT coalesce(t.name, '') AS town, count(*) AS visits FROM visits v "
        "JOIN companies c ON c.id = v.company_id LEFT JOIN towns t ON t.id = c.town_id "
        f"WHERE {' AND '.join(clauses)} GROUP BY 1",
        params,
    )
    ordered = sorted(rows, key=lambda row: (-row["visits"], row["town"]))
    return [(row["town"], row["visits"]) for row in ordered]


def units_with_items(
    db: sqlite_utils.Database, filters: Filters, today: date, tz: ZoneInfo
) -> list[str]:
    """Lead units (the unit a report "by unit" filters on) with items in the period, by name.

    An item is in the period if it was created by the period's end and was not closed
    before its start; the area and town chosen narrow the list the same way as the report.
    """
    if filters.batch:
        return _batch_units(db, filters, today, tz)
    start, end = period_range(filters.period, today, earliest=today)
    clauses = ["i.created_at < ?"]
    params: list = [_utc_end_of(end, tz)]
    if filters.period != "all":
        clauses.append("(i.status <> 'closed' OR i.closed_at IS NULL OR i.closed_at >= ?)")
        params.append(_utc_start_of(start, tz))
    item_clauses, item_params = _filter_clauses(Filters(area=filters.area, town=filters.town))
    return fetch_values(
        db,
        "SELECT DISTINCT u.name FROM items i JOIN units u ON u.id = i.unit_id "
        "LEFT JOIN areas a ON a.id = i.area_id LEFT JOIN towns t ON t.id = i.town_id "
        f"WHERE {' AND '.join([*clauses, *item_clauses])} ORDER BY u.name",
        [*params, *item_params],
    )


def _batch_units(
    db: sqlite_utils.Database, filters: Filters, today: date, tz: ZoneInfo
) -> list[str]:
    """Lead units of a period's items as they stood on its last day, in the area and town
    chosen."""
    rows, _figures, _start, _end = _batch_rows(
        db,
        "1",
        [],
        Filters(area=filters.area, town=filters.town, batch=filters.batch),
        today,
        tz,
        "zh",
    )
    return sorted({row[6] for row in rows if row[6]})


def tongbao_key(row: Ranked) -> tuple:
    """The 通报 order: close-out rate (highest first), then fewest overdue, then most items."""
    return (-row.rate, row.overdue, -row.total, row.name)


def ranking(
    db: sqlite_utils.Database, today: date, tz: ZoneInfo, language: str = "zh"
) -> list[UnitRow]:
    """The 通报 order: close-out rate (highest first), then fewest overdue, then most items."""
    data = collect(db, Scope("all"), Filters(period="all"), today, tz, language)
    return [row for row in data.units if row.name]


def overall_counts(rows: list[UnitRow]) -> Counter:
    return Counter(
        total=sum(r.total for r in rows),
        closed=sum(r.closed for r in rows),
        overdue=sum(r.overdue for r in rows),
    )
