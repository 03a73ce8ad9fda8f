"""Row errors and refused files as the reader reads them: in their language, as plain text.

The chat preview (in the person's language), the annotated workbook (in the language of
whoever sent the sheet) and ``duban import`` (in the command line's language) all say an
error through here, so they say it alike: 第 3 行「领域」：无法识别的领域"科创" /
Row 3, column "Area": unknown area "科创".
"""

from __future__ import annotations

from bot.i18n import plain
from bot.sheets.columns import COLUMNS
from bot.sheets.model import RowError, SheetFileError

_ENGLISH_NAMES = {column.name: column.en for column in COLUMNS}


def row_error_text(lang: str, error: RowError) -> str:
    """The error with its row and column: one line of the preview or of the CLI."""
    reason = reason_text(lang, error)
    if error.column is None:
        return plain(lang, "import.row.whole", row=error.row, reason=reason)
    column = column_name(lang, error)
    return plain(lang, "import.row.cell", row=error.row, column=column, reason=reason)


def row_note_text(lang: str, error: RowError) -> str:
    """The error without its row: the annotated workbook writes it on the row itself."""
    reason = reason_text(lang, error)
    if error.column is None:
        return reason
    return plain(lang, "import.row.cell_note", column=column_name(lang, error), reason=reason)


def reason_text(lang: str, error: RowError) -> str:
    """Why the cell cannot be used, quoting what it holds (a cell comment says only this)."""
    return plain(lang, error.key, **error.values)


def column_name(lang: str, error: RowError) -> str:
    """The column as the sheet heads it; in English, the column's English name when it is
    one we know, since a Chinese header means nothing to an English reader."""
    english = _ENGLISH_NAMES.get(error.field_name or "")
    if lang == "en" and english:
        return english
    return error.column or ""


def file_error_text(lang: str, error: SheetFileError) -> str:
    """Why the whole file was refused."""
    return plain(lang, error.key, **error.values)
