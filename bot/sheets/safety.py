"""Sheets in and out: checks on an uploaded file before any parser sees it, and the one
writer every exported sheet goes through (``SheetRows``).

Sheets arrive from chats, so a file may be damaged, truncated, renamed, or built to
exhaust memory (a zip bomb: a few hundred kilobytes that inflate to gigabytes). Every
limit is checked on the zip's directory first, before anything is decompressed; the
CRC pass afterwards inflates members in bounded chunks, and Python's zipfile never
inflates a member past its declared size, so the declared sizes are a real ceiling.
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.domain.hygiene import without_controls
from bot.sheets.model import SheetFileError

if TYPE_CHECKING:  # the bot's own process imports this module and never loads openpyxl
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 10_000
# Real workbooks compress 5–30×; a ratio past this, on a member big enough to matter,
# is a bomb. (Apache POI uses the same 100× default.)
MAX_RATIO = 100
RATIO_CHECK_FROM_BYTES = 1024 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


def check_size(path: Path) -> None:
    """Refuse files too big to be a task table before reading them at all."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SheetFileError(
            "import.file.cannot_open", file=path.name, detail=exc.strerror or str(exc)
        ) from None
    if size > MAX_FILE_BYTES:
        raise SheetFileError(
            "import.file.too_big",
            file=path.name,
            size=f"{size / 1024 / 1024:.1f}",
            limit=MAX_FILE_BYTES // 1024 // 1024,
        )
    if size == 0:
        raise SheetFileError("import.file.empty", file=path.name)


def open_xlsx_archive(path: Path) -> zipfile.ZipFile:
    """Open an .xlsx as a zip after the size, bomb and integrity checks; caller closes it."""
    check_size(path)
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic == _OLE_MAGIC:
        # Both legacy .xls files and password-protected .xlsx files are OLE containers.
        raise SheetFileError("import.file.ole", file=path.name)
    if not magic.startswith(_ZIP_MAGIC):
        raise SheetFileError("import.file.not_zip", file=path.name)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetFileError("import.file.bad_zip", file=path.name) from None
    try:
        _check_members(path, archive)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_members(path: Path, archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise SheetFileError("import.file.too_many_parts", file=path.name, count=len(infos))
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size >= RATIO_CHECK_FROM_BYTES and (
            info.compress_size == 0 or info.file_size / info.compress_size > MAX_RATIO
        ):
            raise SheetFileError(
                "import.file.bomb",
                file=path.name,
                part=info.filename,
                ratio=info.file_size // max(info.compress_size, 1),
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise SheetFileError(
            "import.file.inflates",
            file=path.name,
            size=f"{total / 1024 / 1024:.0f}",
            limit=MAX_UNCOMPRESSED_BYTES // 1024 // 1024,
        )
    if "xl/workbook.xml" not in archive.NameToInfo:
        raise SheetFileError("import.file.not_workbook", file=path.name)
    try:
        broken = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
        broken = "?"
    if broken is not None:
        raise SheetFileError("import.file.truncated", file=path.name)


# --- writing ----------------------------------------------------------------------------

# What a spreadsheet runs as a formula when a cell starts with it (CSV and pasted text too).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32_767  # Excel's limit; longer text is cut, not refused
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def cell_text(value: str) -> str:
    """Text Excel can store: no control characters, within the cell length limit."""
    return without_controls(value)[:MAX_CELL_CHARS]


class SheetRows:
    """A worksheet filled row by row through the one safe writer, remembering the last row.

    Every exported sheet is written with it: text is what people typed or imported, so no
    cell may hold a character that breaks the workbook or start a formula. ``max_row``
    rescans every cell, so asking it after each row would make a 10 000-item export
    quadratic.
    """

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.last_row = 0

    def append(self, values: Sequence[object]) -> int:
        """Append one row, making sure no text cell can run as a formula; its number."""
        cleaned = [cell_text(v) if isinstance(v, str) else v for v in values]
        self.sheet.append(cleaned)
        self.last_row += 1
        for index, value in enumerate(cleaned, start=1):
            if isinstance(value, str) and value.startswith(FORMULA_START):
                cell = self.sheet.cell(row=self.last_row, column=index)
                cell.data_type = "s"  # openpyxl made it a formula on assignment
                cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
            elif isinstance(value, dt.datetime):
                self.sheet.cell(row=self.last_row, column=index).number_format = DATETIME_FORMAT
            elif isinstance(value, dt.date):
                self.sheet.cell(row=self.last_row, column=index).number_format = DATE_FORMAT
        return self.last_row

    def cell(self, column: int, row: int | None = None) -> Cell:
        return self.sheet.cell(row=self.last_row if row is None else row, column=column)

    def put(self, row: int, column: int, value: str) -> Cell:
        """One text cell written into a sheet that is already filled (a note beside a row)."""
        cell = self.sheet.cell(row=row, column=column, value=cell_text(value))
        if cell.value is not None and str(cell.value).startswith(FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell
