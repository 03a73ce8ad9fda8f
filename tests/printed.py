"""What a workbook's print set-up says, read back with openpyxl as any program reads it: for
the tests of the ledger export, the weekly workbook and the import's annotated copy."""

from __future__ import annotations

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

PAGES = {"zh": "第 &P 页 共 &N 页", "en": "Page &P of &N"}
A4 = 9


def assert_prints(
    sheet: Worksheet, lang: str, footer: str, repeated: tuple[int, int] | None
) -> None:
    """A4 landscape, one page wide and as tall as it takes, the ``repeated`` rows (first,
    last) at the top of every page (None: not checked), the page count in the footer
    beside ``footer``."""
    where = f"sheet {sheet.title!r}"
    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize)) == ("landscape", A4), where
    assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
    assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0), where
    if repeated is not None:
        assert sheet.print_title_rows == f"${repeated[0]}:${repeated[1]}", where
    assert sheet.oddFooter.center.text == PAGES[lang], where
    assert footer in (sheet.oddFooter.left.text or ""), where


def cell_fonts(book: openpyxl.Workbook) -> set[str | None]:
    """The font family of every filled cell, and the workbook's default (its Normal style:
    empty cells and row heights are measured in it)."""
    names = {book._named_styles["Normal"].font.name}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            names.update(cell.font.name for cell in row if cell.value is not None)
    return names
