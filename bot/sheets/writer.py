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
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.i18n import t
from bot.sheets.columns import EXPORTED, column_headers, item_cells
from bot.sheets.headers import LEVEL_LABELS, STATUS_LABELS
from bot.sheets.model import ExportData, ExportItem
from bot.sheets.safety import FORMULA_START, SheetRows, cell_text

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

# Styles shared with the weekly workbook (bot/builders/weekly_report.py).
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_BLOCK_FILL = PatternFill("solid", fgColor="FFF2CC")
OVERDUE_FONT = Font(color="C00000", bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")

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
    """Write the summary, all-items and per-town sheets to ``path``.

    ``extend`` may add sheets of its own (the chat export adds each item's history) before
    the workbook is saved, so it is written once.
    """
    words = _words(data.language)
    workbook = Workbook()
    used_titles: set[str] = set()
    summary = workbook.worksheets[0]
    summary.title = sheet_title(words["summary"], used_titles)
    _write_summary(SheetRows(summary), data, words)

    everything = SheetRows(workbook.create_sheet(sheet_title(words["all"], used_titles)))
    _start_item_table(everything, data.title, data.language)
    _append_items(everything, data.items, data)
    _add_filter(everything)

    for town, items in _grouped(data.items, lambda item: item.town):
        if not town:
            continue  # bureau-level items belong to no town; they are on the all-items sheet
        table = SheetRows(workbook.create_sheet(sheet_title(town, used_titles)))
        _start_item_table(table, f"{town}（{len(items)} {words['items']}）", data.language)
        for company, company_items in _grouped(items, lambda item: item.company):
            name = company or words["no_company"]
            _write_block_title(table, f"{name}（{len(company_items)} {words['items']}）")
            _append_items(table, company_items, data)
        _add_filter(table)
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


def _write_summary(table: SheetRows, data: ExportData, words: dict[str, str]) -> None:
    table.append([data.title])
    table.cell(1).font = TITLE_FONT
    table.sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    table.append([words["exported"], data.today])
    if data.as_of is not None:
        table.append([t(data.language, "periods.export.as_of"), data.as_of])
    if data.audit_head:
        event = t(data.language, "tamper.export.head_event", event=data.audit_head_event)
        table.append([t(data.language, "tamper.export.head"), data.audit_head, event])
    items = data.items

    statuses = Counter(item.status for item in items)
    _summary_table(
        table,
        words["by_status"],
        [words["status"], words["count"]],
        [[label, statuses[code]] for code, label in STATUS_LABELS[data.language].items()],
    )
    levels = Counter(item.level for item in items)
    level_labels = LEVEL_LABELS[data.language] | {"none": words["no_level"]}
    _summary_table(
        table,
        words["by_level"],
        [words["level"], words["count"]],
        [[label, levels[code]] for code, label in level_labels.items()],
    )
    unit_rows = []
    for unit, unit_items in _grouped(items, lambda item: item.unit):
        closed = sum(item.status == "closed" for item in unit_items)
        overdue = sum(is_overdue(item, data.overdue_day) for item in unit_items)
        rate = closed / len(unit_items)
        unit_rows.append([unit or words["no_unit"], len(unit_items), closed, overdue, rate])
    unit_rows.sort(key=lambda row: (-row[1], row[0]))
    first = table.last_row + 4  # below the blank, title and header rows added next
    _summary_table(
        table,
        words["by_unit"],
        [words["unit"], words["total"], words["closed"], words["overdue"], words["rate"]],
        unit_rows,
    )
    for row in range(first, table.last_row + 1):
        table.cell(5, row).number_format = "0.0%"
    for letter, width in zip("ABCDE", (22, 12, 12, 12, 12), strict=True):
        table.sheet.column_dimensions[letter].width = width


def _summary_table(
    table: SheetRows, title: str, headers: list[str], rows: Iterable[Sequence[object]]
) -> None:
    table.append([])
    table.append([title])
    table.cell(1).font = BOLD
    table.append(headers)
    for column in range(1, len(headers) + 1):
        table.cell(column).font = BOLD
        table.cell(column).fill = HEADER_FILL
    for row in rows:
        table.append(row)


def _start_item_table(table: SheetRows, title: str, language: str) -> None:
    """Title row, then the header row, frozen and bold."""
    table.append([title])
    table.cell(1).font = TITLE_FONT
    table.sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(EXPORTED))
    table.append(column_headers(language))
    for column in range(1, len(EXPORTED) + 1):
        cell = table.cell(column)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    table.sheet.freeze_panes = "A3"
    for index, column in enumerate(EXPORTED, start=1):
        table.sheet.column_dimensions[get_column_letter(index)].width = column.width


def _add_filter(table: SheetRows) -> None:
    last = get_column_letter(len(EXPORTED))
    table.sheet.auto_filter.ref = f"A2:{last}{max(table.last_row, 2)}"


def _write_block_title(table: SheetRows, title: str) -> None:
    row = table.append([title])
    table.cell(1).font = BOLD
    table.cell(1).fill = _BLOCK_FILL
    table.sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(EXPORTED))


def _append_items(table: SheetRows, items: Iterable[ExportItem], data: ExportData) -> None:
    words = _words(data.language)
    wrapped = [index for index, column in enumerate(EXPORTED, start=1) if column.wrap]
    deadline_column = next(i for i, c in enumerate(EXPORTED, 1) if c.name == "deadline")
    for item in items:
        table.append(item_cells(item, data.language, words))
        for index in wrapped:
            table.cell(index).alignment = WRAP
        if is_overdue(item, data.overdue_day):
            table.cell(deadline_column).font = OVERDUE_FONT


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
