"""How every workbook the bot makes looks on screen and on paper: the ledger export
(bot/sheets/writer.py, with the history, visits and evidence sheets bot/builders/ adds to
it), the weekly workbook (bot/builders/weekly_report.py) and the import's annotated copy
(bot/builders/import_preview.py). One place, so the three print and read alike.

Paper: A4 landscape, one page wide and as many pages tall as it takes, the title and header
rows repeated on every page, thin borders around every table cell, and a footer with the
document's title (it names the programme and the period) and 第 N 页 共 M 页.

Type: one family for the whole workbook, 等线 (DengXian, the CJK default of Office since
2016, which WPS ships too), declared with the GB2312 charset so Excel and WPS pick a Chinese
face when it is missing; LibreOffice without it substitutes its CJK fallback (Noto Sans CJK
where fonts-noto-cjk is installed). Overdue is marked by colour only, in the same font, so
no program swaps in a bold serif that runs into the next column.

Columns: each has a ``Kind``; its header is aligned as its cells are (text left, numbers
right, dates centred), so a figure always sits under its own heading in a narrow column.
Numbers are stored as numbers with a number format. Cells get their look from named styles
(one lookup and a copy of the style's indices per cell); assigning Font and Border objects
would hash them for every cell, seconds on a 10 000-item export.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from enum import Enum
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.i18n import plain
from bot.sheets.safety import DATE_FORMAT, DATETIME_FORMAT, SheetRows

FONT_NAME = "等线"
FONT_SIZE = 11
_GB2312 = 134  # the charset Excel and WPS write for a Chinese font
_SWISS = 2  # a sans-serif family, the fallback's kind when the face is missing

OVERDUE_COLOR = "C00000"  # dark red: overdue dates and counts
ERROR_COLOR = "9C0006"  # the import's annotated copy: a cell to fix
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BLOCK_FILL = PatternFill("solid", fgColor="FFF2CC")  # a company's block on a town sheet
FAR_FILL = PatternFill("solid", fgColor="F8CBAD")  # a visit 位置不符
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")  # a row the import refused

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
PERCENT = "0.0%"
INTEGER = "0"
DEGREES = "0.000000"


# Row heights are written, not left to the program: LibreOffice does not grow a row to fit
# wrapped text when it opens an .xlsx, so a long 问题 would print cut to its first line.
# A CJK character is a little under two width units of the default font (one unit is its
# digit's width), a Latin one about one; a line of 11 pt text with Noto Sans CJK's leading
# (LibreOffice's fallback) is 16 pt.
_WIDE_UNITS = 1.9
_NARROW_UNITS = 1.0
_CELL_PADDING = 0.5
LINE_POINTS = 16.0
# East Asian wide and fullwidth characters (CJK, kana, hangul, fullwidth punctuation) and
# the symbols and emoji that may print wide: counted as wide, the estimate errs long.
_WIDE = re.compile(
    "[\u1100-\u115f\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\u2e80-\u303e\u3041-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f"
    "\uff00-\uff60\uffe0-\uffe6\U0001f000-\U0001faff\U00020000-\U0003fffd]"
)


class Kind(Enum):
    """What a column holds, which decides how it and its header are aligned."""

    TEXT = "left"
    NUMBER = "right"
    DATE = "center"


@dataclass(frozen=True)
class ColumnStyle:
    """One table column: its width in characters, its kind, whether text wraps, and the
    number format of a number column."""

    width: float
    kind: Kind = Kind.TEXT
    wrap: bool = False
    number_format: str = "General"


def font(*, bold: bool = False, size: float = FONT_SIZE, color: str | None = None) -> Font:
    """The workbook's one font family, in a weight, size and colour."""
    return Font(name=FONT_NAME, sz=size, b=bold, color=color, family=_SWISS, charset=_GB2312)


_TITLE_SIZE = 14
_TITLE_LINE = 20.0  # points: a line of the 14 pt title
TITLE_FONT = font(bold=True, size=_TITLE_SIZE)
BOLD = font(bold=True)
OVERDUE_FONT = font(color=OVERDUE_COLOR)
LINK_FONT = Font(
    name=FONT_NAME, sz=FONT_SIZE, color="0563C1", u="single", family=_SWISS, charset=_GB2312
)


def new_workbook() -> Workbook:
    """An empty workbook whose default font (the one every unstyled cell and empty row is
    measured in) is the workbook's family, not openpyxl's Calibri.

    openpyxl keeps that default as the first entry of its font list and of the Normal
    style and offers no setter, so both are replaced here, before any cell is styled."""
    book = Workbook()
    body = font()
    book._fonts = IndexedList([body])
    book._named_styles["Normal"].font = body
    return book


def recoloured(original: Font, color: str) -> Font:
    """The same font in another colour: how the import's copy marks a cell in the office's
    own sheet without changing its family, size or weight."""
    return Font(
        name=original.name or FONT_NAME,
        sz=original.sz or FONT_SIZE,
        b=original.b,
        i=original.i,
        u=original.u,
        color=color,
        family=original.family,
        charset=original.charset,
    )


# --- tables -------------------------------------------------------------------------------


def title_row(table: SheetRows, text: str, columns: Sequence[ColumnStyle]) -> None:
    """The sheet's title, centred and merged across ``columns`` (whose widths it sets), in
    the title font, wrapped onto a second line when the table is narrower than it."""
    row = table.append([text])
    end = max(len(columns), 1)
    table.sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=end)
    _apply(table.cell(1), "title")
    for index, column in enumerate(columns, start=1):
        table.sheet.column_dimensions[get_column_letter(index)].width = column.width
    room = sum(column.width for column in columns) * FONT_SIZE / _TITLE_SIZE
    table.sheet.row_dimensions[row].height = text_lines(text, room) * _TITLE_LINE + 4


def header_row(table: SheetRows, headers: Sequence[str], columns: Sequence[ColumnStyle]) -> None:
    """The column headers, bold and shaded, each aligned as its column; sets the widths."""
    table.append(list(headers))
    for index, column in enumerate(columns, start=1):
        _apply(table.cell(index), "header", column)
        letter = get_column_letter(index)
        table.sheet.column_dimensions[letter].width = column.width
    lines = [
        text_lines(str(text), column.width) for text, column in zip(headers, columns, strict=True)
    ]
    fit_rows(table, max(lines, default=1))


def start_table(
    table: SheetRows,
    title: str,
    headers: Sequence[str],
    columns: Sequence[ColumnStyle],
    printed: int | None = None,
) -> None:
    """Title row, header row, frozen under them: the start of every item table. The title
    is centred over the ``printed`` columns (all, unless the page leaves some out)."""
    title_row(table, title, columns[: printed or len(columns)])
    header_row(table, headers, columns)
    table.sheet.freeze_panes = f"A{table.last_row + 1}"


def style_row(table: SheetRows, columns: Sequence[ColumnStyle]) -> None:
    """The row just appended: bordered, aligned and formatted as its columns say, and as
    tall as its longest wrapped cell needs (never shorter than one line of the CJK
    fallback: a program's default row is shorter and clips it)."""
    sheet, row, lines = table.sheet, table.last_row, 1
    styles = _arrays(sheet.parent, "cell", tuple(columns))
    for index, (column, array) in enumerate(zip(columns, styles, strict=True), start=1):
        cell = sheet.cell(row=row, column=index)
        _dress(cell, column, array)
        value = cell.value
        if column.wrap and isinstance(value, str) and value:
            lines = max(lines, text_lines(value, column.width))
    fit_rows(table, lines)


def mark_overdue(table: SheetRows, index: int, column: ColumnStyle) -> None:
    """Overdue, by colour alone: the cell keeps its column's family, size, weight and
    alignment, in dark red."""
    (array,) = _arrays(table.sheet.parent, "overdue", (column,))
    _dress(table.cell(index), column, array)


def _dress(cell: Cell, column: ColumnStyle, array: StyleArray) -> None:
    """A cell in its column's style. A time, or a date outside a date column, keeps the
    format the safe writer gave it, text that looks like a formula its quote prefix; a
    text cell in a number column (a 序号 like 3-1) stays text."""
    value = cell.value
    quoted = isinstance(value, str) and cell.quotePrefix
    cell._style = copy(array)
    if quoted:
        cell.quotePrefix = True
    if isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date) and column.kind is not Kind.DATE:
        cell.number_format = DATE_FORMAT


def fit_rows(table: SheetRows, lines: int) -> None:
    """The last row's height for ``lines`` lines of text."""
    table.sheet.row_dimensions[table.last_row].height = lines * LINE_POINTS + 2


def text_lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` units wide (an estimate that
    errs long: a row a little too tall prints, a row too short cuts its text)."""
    room = max(width - _CELL_PADDING, 1.0)
    total = 0
    for paragraph in text.split("\n"):
        wide = len(_WIDE.findall(paragraph))
        units = wide * _WIDE_UNITS + (len(paragraph) - wide) * _NARROW_UNITS
        total += max(1, math.ceil(units / room))
    return total


def block_row(table: SheetRows, text: str, width: int) -> None:
    """A company's block title on a town sheet: merged across, bold, shaded, bordered.
    Merged before it is styled: openpyxl copies a styled first cell's border onto every
    merged cell by assigning Border objects, the slowest part of a large export."""
    row = table.append([text])
    table.sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    for column in range(1, width + 1):
        _apply(table.cell(column), "block")


def add_filter(table: SheetRows, header_row_number: int, width: int) -> None:
    """The filter buttons on the header row, over the table below it."""
    last_row = max(table.last_row, header_row_number)
    table.sheet.auto_filter.ref = f"A{header_row_number}:{get_column_letter(width)}{last_row}"


# --- paper --------------------------------------------------------------------------------


def printable(sheet: Worksheet, lang: str, footer: str, title_rows: int, from_row: int = 1) -> None:
    """A4 landscape, one page wide, rows ``from_row``…``title_rows`` repeated at the top of
    every page after they first appear (none when ``title_rows`` is 0), the document's
    title left and 第 N 页 共 M 页 centred in the footer."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    if title_rows:
        sheet.print_title_rows = f"{from_row}:{title_rows}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.page_margins.footer = 0.3
    for part, text in (
        (sheet.oddFooter.left, footer_text(footer)),
        (sheet.oddFooter.center, plain(lang, "workbooks.footer.pages", page="&P", pages="&N")),
    ):
        part.text = text
        part.font = FONT_NAME
        part.size = 9


def footer_text(text: str) -> str:
    """Text as a header or footer shows it: a lone & would start a code (&P, &N)."""
    return " ".join(text.split()).replace("&", "&&")[:120]


# --- named styles -------------------------------------------------------------------------


# Each workbook's styles, as openpyxl's tuples of indices (font, fill, border…): by role
# and column, and by role and a table's columns.
_ARRAYS: WeakKeyDictionary[Workbook, dict[object, StyleArray]] = WeakKeyDictionary()
_ROWS: WeakKeyDictionary[Workbook, dict[object, list[StyleArray]]] = WeakKeyDictionary()


def _apply(cell: Cell, role: str, column: ColumnStyle | None = None) -> None:
    """Give ``cell`` the workbook's style for a role (and a column)."""
    cell._style = copy(_array(cell.parent.parent, role, column))


def _arrays(book: Workbook, role: str, columns: tuple[ColumnStyle, ...]) -> list[StyleArray]:
    """The styles of a table's columns, looked up once per table, not once per cell."""
    known = _ROWS.setdefault(book, {})
    found = known.get((role, columns))
    if found is None:
        found = known[(role, columns)] = [_array(book, role, column) for column in columns]
    return found


def _array(book: Workbook, role: str, column: ColumnStyle | None) -> StyleArray:
    """The workbook's named style for a role (and a column), added on first use (Excel
    and WPS list them as the workbook's cell styles), as the indices a cell copies: what
    openpyxl's ``cell.style = name`` does, without that setter's two scans of the style
    list for every cell."""
    arrays = _ARRAYS.setdefault(book, {})
    array = arrays.get((role, column))
    if array is None:
        key = role if column is None else f"{role} {column.kind.name.lower()}"
        if column is not None and column.wrap:
            key += " wrap"
        if column is not None and role in ("cell", "overdue"):
            key += f" {column.number_format}"
        name = f"Duban {key}"
        if name not in book.named_styles:
            book.add_named_style(_style(name, role, column))
        array = arrays[(role, column)] = book._named_styles[name].as_tuple()
    return array


def _style(name: str, role: str, column: ColumnStyle | None) -> NamedStyle:
    if role == "title":
        return NamedStyle(
            name,
            font=TITLE_FONT,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        )
    if role == "block":
        return NamedStyle(
            name,
            font=BOLD,
            fill=BLOCK_FILL,
            border=BORDER,
            alignment=Alignment(horizontal="left", vertical="center"),
        )
    assert column is not None
    horizontal = column.kind.value
    if role == "header":
        return NamedStyle(
            name,
            font=BOLD,
            fill=HEADER_FILL,
            border=BORDER,
            alignment=Alignment(horizontal=horizontal, vertical="center", wrap_text=True),
        )
    number_format = DATE_FORMAT if column.kind is Kind.DATE else column.number_format
    return NamedStyle(
        name,
        font=OVERDUE_FONT if role == "overdue" else font(),
        border=BORDER,
        alignment=Alignment(horizontal=horizontal, vertical="top", wrap_text=column.wrap),
        number_format=number_format,
    )
