"""The visits behind an export or a dossier: who went where, when, and whether the location
the phone sent matches the company's place (位置不符 past the office's threshold).

One query per kind of fact, so an export of every visit stays a few statements. Coordinates
are the WGS-84 values the phone sent, unchanged; the column headers say so.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlite_utils
from openpyxl import Workbook

from bot.domain.people import sends_location
from bot.domain.presence import Point, distance_text, verdict
from bot.i18n import Safe, plain, t
from bot.sheets import print_style as style
from bot.sheets.print_style import ColumnStyle, Kind
from bot.sheets.safety import SheetRows
from bot.sheets.writer import sheet_title
from storage.policy import load_policy
from storage.presence import item_visit_ids
from storage.rows import fetch_values

_WHEN = ColumnStyle(17, Kind.DATE)
_DEGREES = ColumnStyle(12, Kind.NUMBER, number_format=style.DEGREES)
_COUNT = ColumnStyle(7, Kind.NUMBER, number_format=style.INTEGER)
_COLUMNS = (
    ("company", ColumnStyle(20, wrap=True)),
    ("town", ColumnStyle(10)),
    ("inspectors", ColumnStyle(16, wrap=True)),
    ("start", _WHEN),
    ("end", _WHEN),
    ("arrived", _WHEN),
    ("latitude", _DEGREES),
    ("longitude", _DEGREES),
    ("distance", ColumnStyle(11, Kind.NUMBER, number_format=style.INTEGER)),
    ("check", ColumnStyle(22, wrap=True)),
    ("findings", _COUNT),
    ("photos", _COUNT),
    ("items", ColumnStyle(24, wrap=True)),
    ("map", ColumnStyle(8)),
)
_STYLES = tuple(column for _, column in _COLUMNS)


@dataclass(frozen=True)
class VisitRow:
    id: int
    company: str
    town: str
    inspectors: str
    started_at: datetime
    ended_at: datetime | None
    point: Point | None
    located_at: datetime | None
    distance_m: float | None
    confirmed_at: datetime | None  # where no location can be sent: the arrival confirmed
    locatable: bool  # False where the visit's own platform sends no location (DingTalk)
    findings: int
    photos: int
    items: tuple[str, ...]


def check_text(lang: str, row: VisitRow, radius_m: int) -> str:
    """位置不符（约 3.1 km） / 约 120 m / 企业暂无坐标 / 未发送位置 / 位置：钉钉未提供."""
    found = verdict(row.point is not None, row.distance_m, radius_m, locatable=row.locatable)
    shown = distance_text(row.distance_m) if row.distance_m is not None else ""
    return t(lang, f"presence.plain_{found}", distance=shown)


def visit_rows(db: sqlite_utils.Database, visit_ids: Iterable[int]) -> list[VisitRow]:
    """The visits with these ids, oldest first, with members, findings, photos and items."""
    wanted = sorted(set(visit_ids))
    if not wanted:
        return []
    # One JSON parameter, not one "?" per visit: an export of every visit must not meet
    # SQLite's cap on parameters (32 766 in most builds, 999 in older ones).
    marks, wanted_json = "SELECT value FROM json_each(?)", [json.dumps(wanted)]
    names: dict[int, list[str]] = defaultdict(list)
    for visit_id, name in db.execute(
        "SELECT m.visit_id, p.name FROM visit_members m JOIN people p ON p.id = m.person_id "
        f"WHERE m.visit_id IN ({marks}) ORDER BY m.joined_at, m.person_id",
        wanted_json,
    ):
        names[visit_id].append(name)
    findings: dict[int, int] = defaultdict(int)
    items: dict[int, set[str]] = defaultdict(set)
    for visit_id, code in db.execute(
        "SELECT f.visit_id, i.code FROM findings f LEFT JOIN items i ON i.id = f.item_id "
        f"WHERE f.withdrawn = 0 AND f.visit_id IN ({marks})",
        wanted_json,
    ):
        findings[visit_id] += 1
        if code:
            items[visit_id].add(code)
    photos = dict(
        db.execute(
            "SELECT f.visit_id, count(*) FROM evidence e JOIN findings f ON f.id = e.finding_id "
            f"WHERE e.kind = 'photo' AND e.withdrawn = 0 AND f.withdrawn = 0 "
            f"AND f.visit_id IN ({marks}) GROUP BY f.visit_id",
            wanted_json,
        ).fetchall()
    )
    rows = []
    for row in db.execute(
        "SELECT v.id, c.name, coalesce(t.name, ''), v.started_at, v.ended_at, v.latitude, "
        "v.longitude, v.located_at, v.distance_m, v.confirmed_at, v.platform FROM visits v "
        "JOIN companies c ON c.id = v.company_id LEFT JOIN towns t ON t.id = c.town_id "
        f"WHERE v.id IN ({marks}) ORDER BY v.started_at, v.id",
        wanted_json,
    ):
        visit_id, company, town, started, ended, lat, lng, located, distance = row[:9]
        confirmed, platform = row[9:]
        rows.append(
            VisitRow(
                id=visit_id,
                company=company,
                town=town,
                inspectors="、".join(names[visit_id]),
                started_at=datetime.fromisoformat(started),
                ended_at=datetime.fromisoformat(ended) if ended else None,
                point=Point(lat, lng) if lat is not None and lng is not None else None,
                located_at=datetime.fromisoformat(located) if located else None,
                distance_m=distance,
                confirmed_at=datetime.fromisoformat(confirmed) if confirmed else None,
                locatable=sends_location(platform),
                findings=findings[visit_id],
                photos=photos.get(visit_id, 0),
                items=tuple(sorted(items[visit_id])),
            )
        )
    return rows


# The visits to a chosen company, or to any company in a chosen town, by the scope's name.
_VISITS_IN_SCOPE = {
    "company": "SELECT v.id FROM visits v JOIN companies c ON c.id = v.company_id WHERE c.name = ?",
    "town": "SELECT v.id FROM visits v JOIN companies c ON c.id = v.company_id "
    "JOIN towns t ON t.id = c.town_id WHERE t.name = ?",
}


def export_visit_ids(
    db: sqlite_utils.Database, item_ids: Iterable[int], chosen: dict[str, str | None]
) -> list[int]:
    """The visits an export covers: all of them for the whole ledger; otherwise those with
    findings on the exported items, and those to the chosen company or in the chosen town."""
    if not any(chosen.values()):
        return fetch_values(db, "SELECT id FROM visits")
    found: set[int] = set()
    ids = sorted(set(item_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        found.update(
            fetch_values(
                db,
                "SELECT DISTINCT visit_id FROM findings WHERE withdrawn = 0 "
                f"AND visit_id IS NOT NULL AND item_id IN ({marks})",
                chunk,
            )
        )
    for scope, sql in _VISITS_IN_SCOPE.items():
        if chosen.get(scope):
            found.update(fetch_values(db, sql, [chosen[scope]]))
    return sorted(found)


def add_visits_sheet(
    book: Workbook,
    db: sqlite_utils.Database,
    visit_ids: Iterable[int],
    tz: ZoneInfo,
    lang: str,
    used: set[str],
    footer: str,
) -> None:
    """The export's 走访记录 sheet, printed under ``footer`` (the export's title); a 位置不符
    row is shaded so it stands out on paper."""
    radius = load_policy(db).presence_radius_m
    table = SheetRows(book.create_sheet(sheet_title(plain(lang, "export.visits_sheet"), used)))
    style.header_row(table, [plain(lang, f"export.visits.{name}") for name, _ in _COLUMNS], _STYLES)
    table.sheet.freeze_panes = "A2"
    for row in visit_rows(db, visit_ids):
        table.append(_values(row, tz, lang, radius))
        style.style_row(table, _STYLES)
        if row.point is not None:
            link = table.cell(len(_COLUMNS))
            link.hyperlink = row.point.map_url()
            link.font = style.LINK_FONT
        if verdict(row.point is not None, row.distance_m, radius) == "far":
            table.cell(10).fill = style.FAR_FILL
    style.add_filter(table, 1, len(_COLUMNS))
    style.printable(table.sheet, lang, footer, 1)


def _values(row: VisitRow, tz: ZoneInfo, lang: str, radius: int) -> list[object]:
    return [
        row.company,
        row.town,
        row.inspectors,
        _local(row.started_at, tz),
        _local(row.ended_at, tz) if row.ended_at else t(lang, "export.visits.open"),
        _arrived(row, tz),
        round(row.point.latitude, 6) if row.point else None,
        round(row.point.longitude, 6) if row.point else None,
        round(row.distance_m) if row.distance_m is not None else None,
        check_text(lang, row, radius),
        row.findings,
        row.photos,
        "、".join(row.items),
        t(lang, "export.visits.map") if row.point else "",
    ]


def _arrived(row: VisitRow, tz: ZoneInfo) -> str:
    """The arrival's time: when the location came, else when the arrival was confirmed."""
    moment = row.located_at or row.confirmed_at
    return _local(moment, tz) if moment else ""


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def dossier_lines(db: sqlite_utils.Database, item_id: int, tz: ZoneInfo, lang: str) -> list[str]:
    """The dossier's visits block for one item: each visit with findings on it, its presence
    check, the raw coordinates and the server's time of arrival."""
    radius = load_policy(db).presence_radius_m
    lines = []
    for row in visit_rows(db, item_visit_ids(db, item_id)):
        where = ""
        if row.point is not None and row.located_at is not None:
            where = t(
                lang,
                "dossier.visit_where",
                point=row.point.shown(),
                time=row.located_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            )
        elif row.confirmed_at is not None:
            where = t(lang, "dossier.visit_confirmed", time=_local(row.confirmed_at, tz))
        lines.append(
            t(
                lang,
                "dossier.visit_line",
                day=_local(row.started_at, tz),
                company=row.company,
                names=row.inspectors or "—",
                check=Safe(check_text(lang, row, radius)),
                where=Safe(where),
            )
        )
    return lines
