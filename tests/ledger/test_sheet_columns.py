"""The sheet's columns are declared once (bot/sheets/columns.py): what the export writes is
what the reader takes back, header by header, in both languages; and the item, the import's
fields and the export's item are one model."""

from __future__ import annotations

import dataclasses

import pytest

from bot.domain.items import SHEET_FIELDS, Item, ItemFields
from bot.sheets.columns import COLUMNS, EXPORTED, FIELD_NAMES, Reading, column_headers, match_field
from bot.sheets.headers import header_key
from bot.sheets.model import ExportItem


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_exported_header_reads_back_as_its_column(language: str) -> None:
    for column, header in zip(EXPORTED, column_headers(language), strict=True):
        expected = None if column.reading is Reading.NEVER else column.name
        assert match_field(header) == expected, header


def test_no_header_names_two_columns() -> None:
    owners: dict[str, str] = {}
    for name, headers in FIELD_NAMES.items():
        for header in headers:
            assert owners.setdefault(header_key(header), name) == name, header


def test_the_code_comes_first_and_every_read_column_is_declared_once() -> None:
    assert EXPORTED[0].name == "code"  # a re-import matches by it
    names = [column.name for column in COLUMNS]
    assert len(names) == len(set(names))
    assert all(column.width for column in EXPORTED)


def test_one_item_model_under_the_item_the_import_and_the_export() -> None:
    """An Item and an exported item are an item's sheet fields and more: the fields an import
    may change are ItemFields's, and each is a column the reader takes."""
    sheet_fields = {field.name for field in dataclasses.fields(ItemFields)}
    assert set(SHEET_FIELDS) == sheet_fields
    assert issubclass(Item, ItemFields) and issubclass(ExportItem, ItemFields)
    derived = {"deadline_text", "recurring", "ongoing", "target_number", "sheet_level"}
    read = set(FIELD_NAMES) | {"sheet_level"}  # 督办等级 is read as ``level``
    assert sheet_fields - derived <= read
