"""Reading and writing the office's supervision table (.xlsx and .csv)."""

from bot.sheets.export import write_csv, write_xlsx
from bot.sheets.model import (
    ExportData,
    ExportItem,
    RowError,
    SheetFileError,
    SheetReadResult,
    SheetRow,
)
from bot.sheets.reader import read_sheet

__all__ = [
    "ExportData",
    "ExportItem",
    "RowError",
    "SheetFileError",
    "SheetReadResult",
    "SheetRow",
    "read_sheet",
    "write_csv",
    "write_xlsx",
]
