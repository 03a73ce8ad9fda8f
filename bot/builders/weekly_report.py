"""The weekly digest's full report: a workbook leaders forward and print, built by a job.

Sheets: the summary (the week, its counts, the overall close-out rate); the items closed
this week, newly overdue, and red; the units ranked as in the 通报. Styled like /export
(bot/sheets/writer.py): a title row, a bold shaded header frozen under it, set column
widths, and text that cannot run as a formula (problems are what people typed). Pages
print landscape, one page wide, repeating the title and header rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.builders.build import BuildContext, Result, document, sync_file
from bot.builders.week_figures import WeekFigures, closed_on, collect_week, days_overdue
from bot.domain.items import Item
from bot.domain.permissions import require_export
from bot.i18n import t
from bot.sheets.headers import STATUS_LABELS
from bot.sheets.safety import SheetRows  # the one safe writer

# The export workbook's styles: the two workbooks look alike.
from bot.sheets.writer import BOLD, HEADER_FILL, OVERDUE_FONT, TITLE_FONT, WRAP, sheet_title
from storage import people
from storage.report_jobs import ReportJob

_PERCENT = "0.0%"


@dataclass(frozen=True)
class _Column:
    key: str  # catalogue key weekly.col.<key>
    width: int
    wrap: bool = False


_ITEM_COLUMNS = (
    _Column("code", 12),
    _Column("problem", 44, wrap=True),
    _Column("unit", 16),
    _Column("deadline", 12),
    _Column("status", 14),
)
_CLOSED_ON = _Column("closed_on", 12)
_DAYS_OVERDUE = _Column("days_overdue", 10)
_UNIT_COLUMNS = (
    _Column("rank", 6),
    _Column("unit", 20),
    _Column("total", 10),
    _Column("closed", 10),
    _Column("rate", 10),
    _Column("overdue", 10),
    _Column("closed_week", 12),
    _Column("newly_overdue", 12),
)


def build_weekly(context: BuildContext, job: ReportJob, db: sqlite_utils.Database) -> Result:
    """In the builder process: the week's workbook on disk, and the document to send."""
    lang = job.language
    # the role may have changed since the digest went out
    require_export(people.by_id(db, job.person_id))
    figures = collect_week(db, date.fromisoformat(job.params["week"]), context.now, context.tz)
    path = context.out_dir(job.id) / "weekly.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_weekly(path, figures, lang, context.tz, context.now)
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


def write_weekly(path: Path, figures: WeekFigures, lang: str, tz: ZoneInfo, now: datetime) -> None:
    """Write the five sheets to ``path`` in the person's language."""
    book = Workbook()
    used: set[str] = set()
    summary = book.worksheets[0]
    summary.title = sheet_title(t(lang, "weekly.sheet.summary"), used)
    _write_summary(SheetRows(summary), figures, lang, now.astimezone(tz).replace(tzinfo=None))
    dates, today = _dates(figures), figures.today.isoformat()
    sections = (
        ("closed", figures.closed, _CLOSED_ON),
        ("overdue", figures.newly_overdue, _DAYS_OVERDUE),
        ("red", figures.red, _DAYS_OVERDUE),
    )
    for key, items, extra in sections:
        name = t(lang, f"weekly.sheet.{key}")
        table = SheetRows(book.create_sheet(sheet_title(name, used)))
        if key == "red":  # red is the state today, not something that happened in the week
            heading = t(lang, "weekly.sheet_heading_now", name=name, count=len(items), today=today)
        else:
            heading = t(lang, "weekly.sheet_heading", name=name, count=len(items), **dates)
        _write_items(table, heading, items, extra, figures.today, lang, tz)
    units = SheetRows(book.create_sheet(sheet_title(t(lang, "weekly.sheet.units"), used)))
    _write_units(units, figures, lang)
    book.save(path)


def _write_summary(table: SheetRows, figures: WeekFigures, lang: str, generated: datetime) -> None:
    table.append([t(lang, "weekly.title", **_dates(figures))])
    table.cell(1).font = TITLE_FONT
    table.sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=2)
    table.append([])
    rows: list[tuple[str, object]] = [
        ("period", t(lang, "weekly.period_value", **_dates(figures))),
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
        table.append([t(lang, f"weekly.label.{key}"), value])
        table.cell(1).font = BOLD
        table.cell(2).alignment = Alignment(horizontal="left")
        if key == "rate" and figures.total:
            table.cell(2).number_format = _PERCENT
    table.sheet.column_dimensions["A"].width = 24
    table.sheet.column_dimensions["B"].width = 28
    _printable(table.sheet, "1:1")


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
        table.cell(2).alignment = WRAP
        if late is not None:
            table.cell(4).font = OVERDUE_FONT
    if not items:
        table.append([t(lang, "weekly.none")])
    _finish_table(table, len(columns))


def _write_units(table: SheetRows, figures: WeekFigures, lang: str) -> None:
    heading = t(lang, "weekly.units_heading", today=figures.today.isoformat())
    _start_table(table, heading, _UNIT_COLUMNS, lang)
    rank = 0
    for unit in figures.units:
        rank += bool(unit.name)  # items without a lead unit are listed, not ranked
        table.append(
            [
                rank if unit.name else None,
                unit.name or t(lang, "weekly.no_unit"),
                unit.total,
                unit.closed,
                unit.rate,
                unit.overdue,
                unit.closed_in_week,
                unit.newly_overdue,
            ]
        )
        table.cell(5).number_format = _PERCENT
        if unit.overdue:
            table.cell(6).font = OVERDUE_FONT
    if not figures.units:
        table.append([t(lang, "weekly.none")])
    _finish_table(table, len(_UNIT_COLUMNS))


def _start_table(table: SheetRows, heading: str, columns: Sequence[_Column], lang: str) -> None:
    """Title row, then the header row, frozen and bold, as the export's item tables."""
    table.append([heading])
    table.cell(1).font = TITLE_FONT
    table.sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    table.append([t(lang, f"weekly.col.{column.key}") for column in columns])
    for index, column in enumerate(columns, start=1):
        cell = table.cell(index)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        table.sheet.column_dimensions[get_column_letter(index)].width = column.width
    table.sheet.freeze_panes = "A3"


def _finish_table(table: SheetRows, width: int) -> None:
    table.sheet.auto_filter.ref = f"A2:{get_column_letter(width)}{max(table.last_row, 2)}"
    _printable(table.sheet, "1:2")


def _printable(sheet: Worksheet, title_rows: str) -> None:
    """A4 landscape, one page wide, the title and header repeated on every page."""
    sheet.print_title_rows = title_rows
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _dates(figures: WeekFigures) -> dict[str, str]:
    return {"start": figures.start.isoformat(), "end": figures.end.isoformat()}


def _rate_text(figures: WeekFigures) -> str:
    return f"{100 * figures.rate:.1f}%" if figures.total else "—"
