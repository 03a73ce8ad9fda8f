"""Writing the supervision table back out, as the office works with it.

The .xlsx has a summary sheet (counts by status and level; per unit: total, closed,
overdue and close-out rate), an all-items sheet, and one sheet per town with one block
per company (一镇区一企一表一清单). Item tables use the reader's Chinese column names with
the item code first (``督办编号``), so an exported file imported again updates the same
items instead of creating new ones; their columns, headers and cells are declared once, with
the reader's, in bot/sheets/columns.py.

The item tables end with 督查人员 (the inspectors the office assigned, joined with 、) and
纬度 / 经度 (the company's WGS-84 coordinates, empty when it has none), in the form the
reader takes, so an unedited export imported again assigns nobody and moves no company.

Exported text is whatever people typed into the bot, so a value that starts like a
formula (= + - @, tab, CR) is written as a plain string cell (with Excel's quote-prefix
flag) in .xlsx, and behind a ``'`` in .csv, where the reader removes it again.

On paper (bot/sheets/print_style.py) every sheet is A4 landscape, one page wide, under the
export's title (the programme, the place and the period, bot/sheets/exporting.py). A town
sheet's company blocks run on from page to page rather than being kept whole by page
breaks: the title and header rows repeat on every page and every row names its 企业 and
镇区, so a block continued on the next page is still labelled row by row, and no break is
placed by a guess at how tall the program will draw the rows (a break placed early wastes
the rest of a page, one placed late splits the block anyway). The coordinates are left off
the printed page (they are there for a re-import), which keeps the type larger.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from bot.i18n import plain
from bot.sheets import print_style as style
from bot.sheets.columns import EXPORTED, column_headers, item_cells
from bot.sheets.headers import LEVEL_LABELS, STATUS_LABELS
from bot.sheets.model import ExportData, ExportItem
from bot.sheets.print_style import ColumnStyle, Kind
from bot.sheets.safety import FORMULA_START, SheetRows, cell_text

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

# How each item column prints (bot/sheets/print_style.py); the rest are left-aligned text.
_NUMBERS = {
    "period": style.INTEGER,
    "seq": style.INTEGER,
    "latest_figure": "General",
    "latitude": style.DEGREES,
    "longitude": style.DEGREES,
}
_DATES = {"deadline", "last_activity"}
# Text wraps in every text column, so a long unit or company name grows its row on paper
# instead of being cut at the column's edge.
ITEM_STYLES: tuple[ColumnStyle, ...] = tuple(
    ColumnStyle(column.width, Kind.NUMBER, number_format=_NUMBERS[column.name])
    if column.name in _NUMBERS
    else ColumnStyle(column.width, Kind.DATE)
    if column.name in _DATES
    else ColumnStyle(column.width, Kind.TEXT, wrap=True)
    for column in EXPORTED
)
# The summary's tables: a label column, then counts and the close-out rate.
_LABEL = ColumnStyle(24)
_COUNT = ColumnStyle(13, Kind.NUMBER, number_format=style.INTEGER)
_RATE = ColumnStyle(13, Kind.NUMBER, number_format=style.PERCENT)
# The first count column is wider: the audit chain's 64-character head sits above it.
_HEAD = ColumnStyle(20, Kind.NUMBER, number_format=style.INTEGER)
_COUNT_TABLE = (_LABEL, _HEAD)
_UNIT_TABLE = (_LABEL, _HEAD, _COUNT, _COUNT, _RATE)
_TITLE_ROWS = 2  # an item table's title and header, repeated on every printed page
# The columns a printed page shows: through 督查人员; the coordinates are there for a
# re-import, not for reading, and would shrink every page to fit them.
_PRINTED = next(i for i, c in enumerate(EXPORTED, start=1) if c.name == "inspectors")

_WORDS = {
    "zh": {
        "summary": "汇总",
        "all": "全部事项",
        "exported": "导出日期",
        "by_status": "按状态",
        "by_level": "按督办等级",
        "by_unit": "按承办单位",
        "status": "状态",
        "level": "督办等级",
        "count": "事项数",
        "unit": "承办单位",
        "total": "事项总数",
        "closed": "已销号",
        "overdue": "逾期",
        "rate": "销号率",
        "no_level": "未定级",
        "no_unit": "（未指定）",
        "no_company": "（未列企业）",
        "items": "项",
        "monthly": "每月",
        "quarterly": "每季度",
        "ongoing": "长期坚持",
    },
    "en": {
        "summary": "Summary",
        "all": "All items",
        "exported": "Exported on",
        "by_status": "By status",
        "by_level": "By level",
        "by_unit": "By responsible unit",
        "status": "Status",
        "level": "Level",
        "count": "Items",
        "unit": "Responsible unit",
        "total": "Total",
        "closed": "Closed",
        "overdue": "Overdue",
        "rate": "Close-out rate",
        "no_level": "No level",
        "no_unit": "(none)",
        "no_company": "(no company)",
        "items": "items",
        "monthly": "Monthly",
        "quarterly": "Quarterly",
        "ongoing": "Ongoing",
    },
}


def is_overdue(item: ExportItem, today: dt.date) -> bool:
    """Open past its deadline (the deadline day itself is still in time)."""
    return item.status != "closed" and item.deadline is not None and item.deadline < today


# --- .xlsx -----------------------------------------------------------------------------


def write_xlsx(
    path: Path, data: ExportData, extend: Callable[[Workbook], None] | None = None
) -> None:
    """Write the summary, all-items and per-town sheets to ``path``, each set up for print
    (bot/sheets/print_style.py) with the export's title in the footer.

    ``extend`` may add sheets of its own (the chat export adds each item's history) before
    the workbook is saved, so it is written once.
    """
    words = _words(data.language)
    workbook = style.new_workbook()
    used_titles: set[str] = set()
    summary = workbook.worksheets[0]
    summary.title = sheet_title(words["summary"], used_titles)
    # A county's units can run past the first page: their header repeats on the next.
    units_header = _write_summary(SheetRows(summary), data, words)
    style.printable(summary, data.language, data.title, units_header, units_header)

    everything = SheetRows(workbook.create_sheet(sheet_title(words["all"], used_titles)))
    _start_item_table(everything, data.title, data.language)
    _append_items(everything, data.items, data)
    _finish_item_table(everything, data)

    for town, items in _grouped(data.items, lambda item: item.town):
        if not town:
            continue  # bureau-level items belong to no town; they are on the all-items sheet
        table = SheetRows(workbook.create_sheet(sheet_title(town, used_titles)))
        _start_item_table(table, f"{town}（{len(items)} {words['items']}）", data.language)
        for company, company_items in _grouped(items, lambda item: item.company):
            name = company or words["no_company"]
            style.block_row(table, f"{name}（{len(company_items)} {words['items']}）", _PRINTED)
            _append_items(table, company_items, data)
        _finish_item_table(table, data)
    if extend is not None:
        extend(workbook)
    workbook.save(path)


def sheet_title(name: str, used: set[str]) -> str:
    """A sheet name Excel and WPS accept: ≤31 chars, no []:*?/\\, unique ignoring case."""
    base = ILLEGAL_CHARACTERS_RE.sub("", _BAD_SHEET_CHARS.sub("_", name)).strip().strip("'")
    base = base[:31] or "Sheet"
    if base.lower() == "history":  # reserved by Excel
        base += "_"
    title, counter = base, 2
    while title.lower() in used:
        suffix = f"({counter})"
        title, counter = base[: 31 - len(suffix)] + suffix, counter + 1
    used.add(title.lower())
    return title


def _write_summary(table: SheetRows, data: ExportData, words: dict[str, str]) -> int:
    """The title, the export's day and audit head, and the tables by status, level and
    unit; the row of the by-unit table's header."""
    style.title_row(table, data.title, _UNIT_TABLE)
    _label_row(table, words["exported"], data.today)
    if data.as_of is not None:
        _label_row(table, plain(data.language, "periods.export.as_of"), data.as_of)
    if data.audit_head:
        _head_row(table, data)
    items = data.items

    statuses = Counter(item.status for item in items)
    _summary_table(
        table,
        words["by_status"],
        [words["status"], words["count"]],
        [[label, statuses[code]] for code, label in STATUS_LABELS[data.language].items()],
        _COUNT_TABLE,
    )
    levels = Counter(item.level for item in items)
    level_labels = LEVEL_LABELS[data.language] | {"none": words["no_level"]}
    _summary_table(
        table,
        words["by_level"],
        [words["level"], words["count"]],
        [[label, levels[code]] for code, label in level_labels.items()],
        _COUNT_TABLE,
    )
    unit_rows = []
    for unit, unit_items in _grouped(items, lambda item: item.unit):
        closed = sum(item.status == "closed" for item in unit_items)
        overdue = sum(is_overdue(item, data.overdue_day) for item in unit_items)
        rate = closed / len(unit_items)
        unit_rows.append([unit or words["no_unit"], len(unit_items), closed, overdue, rate])
    unit_rows.sort(key=lambda row: (-row[1], row[0]))
    return _summary_table(
        table,
        words["by_unit"],
        [words["unit"], words["total"], words["closed"], words["overdue"], words["rate"]],
        unit_rows,
        _UNIT_TABLE,
    )


def _label_row(table: SheetRows, label: str, value: object) -> None:
    """A bold label and its value, the value across the rest of the summary's width."""
    row = table.append([label, value])
    table.cell(1).font = style.BOLD
    table.cell(1).alignment = Alignment(vertical="top")
    table.cell(2).alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    table.sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
    spanned = sum(column.width for column in _UNIT_TABLE[1:])
    style.fit_rows(table, style.text_lines(value, spanned) if isinstance(value, str) else 1)


def _head_row(table: SheetRows, data: ExportData) -> None:
    """The audit chain's head (wrapped in its column, so all 64 characters print) and its
    event beside it, across the rest of the row."""
    event = plain(data.language, "tamper.export.head_event", event=data.audit_head_event)
    head = data.audit_head or ""
    row = table.append([plain(data.language, "tamper.export.head"), head, event])
    table.cell(1).font = style.BOLD
    for column in (1, 2, 3):
        table.cell(column).alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    table.sheet.merge_cells(start_row=row, start_column=3, end_row=row, end_column=5)
    style.fit_rows(table, style.text_lines(head, _HEAD.width))


def _summary_table(
    table: SheetRows,
    title: str,
    headers: list[str],
    rows: Iterable[Sequence[object]],
    columns: Sequence[ColumnStyle],
) -> int:
    """A titled table below a blank row; the row of its header."""
    table.append([])
    table.append([title])
    table.cell(1).font = style.BOLD
    style.header_row(table, headers, columns)
    header = table.last_row
    for row in rows:
        table.append(row)
        style.style_row(table, columns)
    return header


def _start_item_table(table: SheetRows, title: str, language: str) -> None:
    """Title row, then the header row, frozen, bold and aligned as their columns."""
    style.start_table(table, title, column_headers(language), ITEM_STYLES, _PRINTED)


def _finish_item_table(table: SheetRows, data: ExportData) -> None:
    """The filter over the header, and the page set-up: only the printed columns."""
    style.add_filter(table, _TITLE_ROWS, len(EXPORTED))
    style.printable(table.sheet, data.language, data.title, _TITLE_ROWS)
    last = get_column_letter(_PRINTED)
    table.sheet.print_area = f"A1:{last}{max(table.last_row, _TITLE_ROWS)}"


def _append_items(table: SheetRows, items: Iterable[ExportItem], data: ExportData) -> None:
    words = _words(data.language)
    for item in items:
        table.append(item_cells(item, data.language, words))
        style.style_row(table, ITEM_STYLES)
        if is_overdue(item, data.overdue_day):
            style.mark_overdue(table, _DEADLINE, ITEM_STYLES[_DEADLINE - 1])


_DEADLINE = next(i for i, c in enumerate(EXPORTED, start=1) if c.name == "deadline")


def _grouped(
    items: Iterable[ExportItem], key: Callable[[ExportItem], str]
) -> list[tuple[str, list[ExportItem]]]:
    """Items grouped by key, groups in order of first appearance."""
    groups: dict[str, list[ExportItem]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.items())


def _words(language: str) -> dict[str, str]:
    if language not in _WORDS:
        raise ValueError(f"export language must be 'zh' or 'en', not {language!r}")
    return _WORDS[language]


# --- .csv ------------------------------------------------------------------------------


def write_csv(path: Path, data: ExportData) -> None:
    """All items as one table, UTF-8 with a BOM so Excel and WPS detect the encoding."""
    words = _words(data.language)
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(column_headers(data.language))
        for item in data.items:
            writer.writerow([_csv_cell(v) for v in item_cells(item, data.language, words)])


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = cell_text(str(value))
    # Spreadsheets run =…, +…, -…, @… as formulas when they open a CSV file.
    return "'" + text if text.startswith(FORMULA_START) else text
