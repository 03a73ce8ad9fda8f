"""Spreadsheets as the office makes them, for the tests that send one to the bot."""

from __future__ import annotations

import io

import openpyxl

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(headers: list[str], rows: list[list[object]]) -> bytes:
    """A one-sheet workbook: the header row, then the rows, as bytes to send or save."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
