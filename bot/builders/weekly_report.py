"""The weekly digest's full report: a workbook leaders forward and print, built by a job.

Sheets: the summary (the week, its counts, the overall close-out rate); the items closed
this week, newly overdue, and red; the units ranked as in the 通报. Styled like /export
(bot/sheets/writer.py) through the one style module (bot/sheets/print_style.py): a title
row naming the programme and the week, a bold shaded header frozen under it, set column
widths, and text that cannot run as a formula (problems are what people typed). Pages
print landscape, one page wide, repeating the title and header rows, with the title and
第 N 页 共 M 页 in the footer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.builders.build import BuildContext, Result, document, sync_file
from bot.builders.letterhead import programme
from bot.builders.week_figures import WeekFigures, closed_on, collect_week, days_overdue
from bot.domain.items import Item
from bot.domain.permissions import require_export
from bot.i18n import plain, t
from bot.sheets import print_style as style
from bot.sheets.headers import STATUS_LABELS
from bot.sheets.print_style import ColumnStyle, Kind
from bot.sheets.safety import SheetRows  # the one safe writer
from bot.sheets.writer import sheet_title
from storage import people
from storage.policy import load_policy
from storage.report_jobs import ReportJob


@dataclass(frozen=True)
class _Column:
    key: str  # catalogue key weekly.col.<key>
    style: ColumnStyle


_TEXT = Kind.TEXT
_COUNT = Kind.NUMBER
_ITEM_COLUMNS = (
    _Column("code", ColumnStyle(12)),
    _Column("problem", ColumnStyle(44, wrap=True)),
    _Column("unit", ColumnStyle(16, wrap=True)),
    _Column("deadline", ColumnStyle(12, Kind.DATE)),
    _Column("status", ColumnStyle(14)),
)
_CLOSED_ON = _Column("closed_on", ColumnStyle(12, Kind.DATE))
_DAYS_OVERDUE = _Column("days_overdue", ColumnStyle(10, _COUNT, number_format=style.INTEGER))
_UNIT_COLUMNS = (
    _Column("rank", ColumnStyle(6, _COUNT, number_format=style.INTEGER)),
    _Column("unit", ColumnStyle(20, wrap=True)),
    _Column("total", ColumnStyle(10, _COUNT, number_format=style.INTEGER)),
    _Column("closed", ColumnStyle(10, _COUNT, number_format=style.INTEGER)),
    _Column("rate", ColumnStyle(10, _COUNT, number_format=style.PERCENT)),
    _Column("overdue", ColumnStyle(10, _COUNT, number_format=style.INTEGER)),
    _Column("closed_week", ColumnStyle(12, _COUNT, number_format=style.INTEGER)),
    _Column("newly_overdue", ColumnStyle(12, _COUNT, number_format=style.INTEGER)),
)


def build_weekly(context: BuildContext, job: ReportJob, db: sqlite_utils.Database) -> Result:
    """In the builder process: the week's workbook on disk, and the document to send."""
    lang = job.language
    # the role may have changed since the digest went out
    require_export(people.by_id(db, job.person_id))
    figures = collect_week(db, date.fromisoformat(job.params["week"]), context.now, context.tz)
    path = context.out_dir(job.id) / "weekly.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    named = programme(load_policy(db), lang)
    write_weekly(path, figures, lang, context.tz, context.now, programme_name=named)
    sync_file(path)
    return Result(
        t(lang, "weekly.done", **_dates(figures)),
        sends=[document(path, summary_caption(lang, figures), file_name(lang, figures))],
    )


def file_name(lang: str, figures: WeekFigures) -> str:
    return str(t(lang, "weekly.file_name", **_dates(figures)))


def summary_caption(lang: str, figures: WeekFigures) -> str:
    """The short text under the file: it travels with the workbook when forwarded."""
    return t(
        lang,
        "weekly.caption",
        **_dates(figures),
        closed=len(figures.closed),
        overdue=len(figures.newly_overdue),
        red=len(figures.red),
        rate=_rate_text(figures),
        all_closed=figures.closed_total,
        total=figures.total,
    )


def write_weekly(
    path: Path,
    figures: WeekFigures,
    lang: str,
    tz: ZoneInfo,
    now: datetime,
    *,
    programme_name: str,
) -> None:
    """Write the five sheets to ``path`` in the person's language, titled with the
    programme (bot/builders/letterhead.py) and the week."""
    book = style.new_workbook()
    used: set[str] = set()
    title = plain(lang, "weekly.title", programme=programme_name, **_dates(figures))
    summary = book.worksheets[0]
    summary.title = sheet_title(plain(lang, "weekly.sheet.summary"), used)
    generated = now.astimezone(tz).replace(tzinfo=None)
    _write_summary(SheetRows(summary), figures, lang, generated, title)
    dates, today = _dates(figures), figures.today.isoformat()
    sections = (
        ("closed", figures.closed, _CLOSED_ON),
        ("overdue", figures.newly_overdue, _DAYS_OVERDUE),
        ("red", figures.red, _DAYS_OVERDUE),
    )
    for key, items, extra in sections:
        name = plain(lang, f"weekly.sheet.{key}")
        table = SheetRows(book.create_sheet(sheet_title(name, used)))
        if key == "red":  # red is the state today, not something that happened in the week
            count = len(items)
            heading = plain(lang, "weekly.sheet_heading_now", name=name, count=count, today=today)
        else:
            heading = plain(lang, "weekly.sheet_heading", name=name, count=len(items), **dates)
        _write_items(table, heading, items, extra, figures.today, lang, tz)
        style.printable(table.sheet, lang, title, 2)
    units = SheetRows(book.create_sheet(sheet_title(plain(lang, "weekly.sheet.units"), used)))
    _write_units(units, figures, lang)
    style.printable(units.sheet, lang, title, 2)
    book.save(path)


def _write_summary(
    table: SheetRows, figures: WeekFigures, lang: str, generated: datetime, title: str
) -> None:
    style.title_row(table, title, _SUMMARY)
    table.append([])
    rows: list[tuple[str, object]] = [
        ("period", plain(lang, "weekly.period_value", **_dates(figures))),
        ("generated", generated),
        ("closed", len(figures.closed)),
        ("overdue", len(figures.newly_overdue)),
        ("red", len(figures.red)),
        ("total", figures.total),
        ("all_closed", figures.closed_total),
        ("rate", figures.rate if figures.total else "—"),
        ("open_overdue", figures.overdue_total),
    ]
    for key, value in rows:
        table.append([plain(lang, f"weekly.label.{key}"), value])
        style.style_row(table, _SUMMARY)
        table.cell(1).font = style.BOLD
        if key == "rate" and figures.total:
            table.cell(2).number_format = style.PERCENT
        elif isinstance(value, int):
            table.cell(2).number_format = style.INTEGER
    style.printable(table.sheet, lang, title, 1)


def _write_items(
    table: SheetRows,
    heading: str,
    items: list[Item],
    extra: _Column,
    today: date,
    lang: str,
    tz: ZoneInfo,
) -> None:
    columns = (*_ITEM_COLUMNS, extra)
    _start_table(table, heading, columns, lang)
    statuses = STATUS_LABELS[lang]
    for item in items:
        late = days_overdue(item, today)
        last = closed_on(item, tz) if extra is _CLOSED_ON else late
        table.append(
            [
                item.code,
                item.problem,
                item.unit or "—",
                item.deadline or item.deadline_text or "—",
                statuses.get(item.status.value, item.status.value),
                last,
            ]
        )
        style.style_row(table, [column.style for column in columns])
        if late is not None:
            style.mark_overdue(table, 4, columns[3].style)
    if not items:
        table.append([plain(lang, "weekly.none")])
    style.add_filter(table, 2, len(columns))


def _write_units(table: SheetRows, figures: WeekFigures, lang: str) -> None:
    heading = plain(lang, "weekly.units_heading", today=figures.today.isoformat())
    _start_table(table, heading, _UNIT_COLUMNS, lang)
    rank = 0
    for unit in figures.units:
        rank += bool(unit.name)  # items without a lead unit are listed, not ranked
        table.append(
            [
                rank if unit.name else None,
                unit.name or plain(lang, "weekly.no_unit"),
                unit.total,
                unit.closed,
                unit.rate,
                unit.overdue,
                unit.closed_in_week,
                unit.newly_overdue,
            ]
        )
        style.style_row(table, [column.style for column in _UNIT_COLUMNS])
        if unit.overdue:
            style.mark_overdue(table, 6, _UNIT_COLUMNS[5].style)
    if not figures.units:
        table.append([plain(lang, "weekly.none")])
    style.add_filter(table, 2, len(_UNIT_COLUMNS))


def _start_table(table: SheetRows, heading: str, columns: Sequence[_Column], lang: str) -> None:
    """Title row, then the header row, frozen and bold, as the export's item tables."""
    headers = [plain(lang, f"weekly.col.{column.key}") for column in columns]
    style.start_table(table, heading, headers, [column.style for column in columns])


# The summary's label and value: the value left-aligned, a figure or a text alike.
_SUMMARY = (ColumnStyle(24), ColumnStyle(36, wrap=True))


def _dates(figures: WeekFigures) -> dict[str, str]:
    return {"start": figures.start.isoformat(), "end": figures.end.isoformat()}


def _rate_text(figures: WeekFigures) -> str:
    return f"{100 * figures.rate:.1f}%" if figures.total else "—"
