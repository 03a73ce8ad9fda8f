"""``read_sheet``: a supervision table from an .xlsx or .csv file, checked and parsed.

The file is untrusted (it comes from a chat), so it is checked before any parser runs
(see ``safety``). Rows are streamed with openpyxl's read-only mode, which is several
times faster than the normal mode on big sheets and keeps memory flat; what that mode
leaves out (hidden columns, merged cells, sheet visibility) comes from ``xlsx_layout``.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import openpyxl

from bot.sheets import safety
from bot.sheets.model import SheetFileError, SheetReadResult
from bot.sheets.table import (
    HEADER_SCAN_ROWS,
    Header,
    RowReader,
    find_header,
    require_problem_column,
)
from bot.sheets.xlsx_layout import SheetEntry, SheetLayout, list_sheets, read_layout

Rows = Iterator[tuple[int, Sequence[object]]]

_CSV_DELIMITERS = (",", "\t", ";")


def read_sheet(path: Path, period_year: int, *, sheet: str | None = None) -> SheetReadResult:
    """Read a task table; dates without a year fall in ``period_year``.

    For a workbook, ``sheet`` names the worksheet; by default the visible worksheet whose
    header names the most known columns is read (the first one on a tie), which for our
    own export is the all-items sheet. Raises SheetFileError for a file that is refused
    as a whole; problems in single rows are in the result's ``errors``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, period_year, sheet)
    if suffix == ".csv":
        return _read_csv(path, period_year)
    if suffix in (".xls", ".et", ".wps"):
        raise SheetFileError("import.file.old_style", file=path.name)
    if not suffix:
        raise SheetFileError("import.file.no_suffix", file=path.name)
    raise SheetFileError("import.file.wrong_suffix", file=path.name, suffix=suffix)


# --- .xlsx -----------------------------------------------------------------------------


def _read_xlsx(path: Path, period_year: int, sheet: str | None) -> SheetReadResult:
    with safety.open_xlsx_archive(path) as archive, warnings.catch_warnings():
        # openpyxl warns about workbook features it drops (data-validation extensions,
        # conditional formats); they do not affect the values we read. (catch_warnings
        # changes process-wide state; harmless here, as it only silences these.)
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        workbook = _load(path)
        try:
            return _read_workbook(archive, workbook, path, period_year, sheet)
        finally:
            workbook.close()


def _load(path: Path) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, ValueError, ParseError, … on bad parts
        raise SheetFileError(
            "import.file.unreadable_workbook", file=path.name, detail=str(exc)
        ) from None


def _read_workbook(
    archive: zipfile.ZipFile,
    workbook: openpyxl.Workbook,
    path: Path,
    period_year: int,
    sheet: str | None,
) -> SheetReadResult:
    entries = list_sheets(archive)
    if sheet is not None:
        chosen = [entry for entry in entries if entry.name == sheet]
        if not chosen:
            names = "、".join(entry.name for entry in entries)
            raise SheetFileError(
                "import.file.no_such_sheet", file=path.name, sheet=sheet, names=names
            )
    else:
        chosen = [entry for entry in entries if entry.visible]
    if not chosen:
        raise SheetFileError("import.file.no_visible_sheet", file=path.name)

    candidates: list[tuple[SheetEntry, SheetLayout, Header | None]] = []
    for entry in chosen:
        layout = read_layout(archive, entry.part)
        head = list(_rows(workbook, entry, layout, path, max_row=HEADER_SCAN_ROWS + 1))
        candidates.append((entry, layout, find_header(head, _zero_based(layout.hidden_columns))))
    # max() keeps the first of equals, so ties go to the leftmost sheet.
    entry, layout, found = max(candidates, key=lambda c: c[2].score if c[2] else -1)
    where = entry.name if len(entries) > 1 else path.name
    header = require_problem_column(found, where)

    hidden = _zero_based(layout.hidden_columns)
    reader = RowReader(header, period_year, hidden)
    reader.read_all(
        (number, values)
        for number, values in _rows(workbook, entry, layout, path)
        if number > header.last_row
    )
    return SheetReadResult(
        rows=reader.rows,
        errors=reader.errors,
        skipped=reader.skipped,
        sheet=entry.name,
        header_row=header.last_row,
        columns=header.labels,
    )


def _zero_based(columns: set[int]) -> set[int]:
    return {column - 1 for column in columns}


def _rows(
    workbook: openpyxl.Workbook,
    entry: SheetEntry,
    layout: SheetLayout,
    path: Path,
    max_row: int | None = None,
) -> Rows:
    """Rows numbered as Excel shows them, with vertically merged cells filled in."""
    worksheet = workbook[entry.name]
    # A wrong <dimension> in the file would otherwise cut rows short.
    worksheet.reset_dimensions()
    values_iter = worksheet.iter_rows(min_row=1, max_row=max_row, values_only=True)
    numbered = enumerate(_guarded(values_iter, path), start=1)
    if not layout.fills:
        yield from numbered
        return
    remembered: dict[tuple[int, int], object] = {}
    for number, values in numbered:
        for column in layout.tops.get(number, ()):
            if column <= len(values):
                remembered[(number, column)] = values[column - 1]
        fills = layout.fills.get(number)
        if fills:
            values = list(values)
            for column, top in fills:
                if len(values) < column:
                    values.extend([None] * (column - len(values)))
                if values[column - 1] is None:
                    values[column - 1] = remembered.get((top, column))
        yield number, values


def _guarded(values_iter: Iterator[tuple[object, ...]], path: Path) -> Iterator[Sequence[object]]:
    """openpyxl parses lazily, so a damaged part fails mid-iteration: report it as such."""
    while True:
        try:
            values = next(values_iter)
        except StopIteration:
            return
        except Exception as exc:  # same zoo of exception types as in _load
            raise SheetFileError("import.file.damaged", file=path.name, detail=str(exc)) from None
        yield values


# --- .csv ------------------------------------------------------------------------------


def _read_csv(path: Path, period_year: int) -> SheetReadResult:
    safety.check_size(path)
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        raise SheetFileError("import.file.xlsx_named_csv", file=path.name)
    bom = data.startswith(codecs.BOM_UTF8)
    # UTF-8 first: GB18030 decodes almost any bytes, so it is only the last resort, and
    # an encoding counts only when the header is found in it.
    for encoding in ("utf-8-sig" if bom else "utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        for delimiter in _CSV_DELIMITERS:
            records = _csv_records(text, delimiter, path)
            header = find_header(records[:HEADER_SCAN_ROWS], set())
            if header is not None and "problem" in header.columns:
                reader = RowReader(header, period_year, set(), csv_quoted=True)
                reader.read_all(record for record in records if record[0] > header.last_row)
                return SheetReadResult(
                    rows=reader.rows,
                    errors=reader.errors,
                    skipped=reader.skipped,
                    sheet=path.name,
                    header_row=header.last_row,
                    columns=header.labels,
                    encoding=encoding,
                )
    raise SheetFileError(
        "import.file.no_csv_header",
        file=path.name,
        rows=HEADER_SCAN_ROWS,
        utf8="UTF-8",
        gbk="GBK",
        csv_utf8="CSV UTF-8",
    )


def _csv_records(text: str, delimiter: str, path: Path) -> list[tuple[int, Sequence[object]]]:
    """Records numbered from 1, as Excel numbers the rows when it opens the file."""
    try:
        return list(enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1))
    except csv.Error as exc:
        raise SheetFileError("import.file.bad_csv", file=path.name, detail=str(exc)) from None
