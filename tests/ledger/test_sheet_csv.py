"""Reading CSV task tables in the encodings Chinese offices save them in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.sheets.model import SheetFileError
from bot.sheets.reader import read_sheet
from bot.sheets.wording import row_error_text

YEAR = 2024
TABLE = (
    "督查推进任务表,,,,\n"
    "序号,问题,承办单位,办理时限,跟踪督办目标\n"
    "1,高企数量偏少,科技局牵头，各镇区配合,6月底前,净增100家\n"
    ",,,,\n"
    '2,"研发投入低\n需要加大",财政局,2024/9/30,研发投入占比达3%\n'
    "合计,,,,2项\n"
)


def test_gbk_csv(tmp_path: Path) -> None:
    """A CSV saved by Excel on a Chinese Windows PC (GBK) reads correctly."""
    path = tmp_path / "gbk.csv"
    path.write_bytes(TABLE.encode("gbk"))
    result = read_sheet(path, YEAR)
    assert result.encoding == "gb18030"
    assert [row.problem for row in result.rows] == ["高企数量偏少", "研发投入低\n需要加大"]
    assert (result.rows[0].unit, result.rows[0].co_units) == ("科技局", ("各镇区",))
    assert result.rows[0].deadline.date == dt.date(2024, 6, 30)
    assert result.skipped == 2


def test_utf8_bom_csv(tmp_path: Path) -> None:
    """A 'CSV UTF-8' file from Excel (with a BOM) reads correctly."""
    path = tmp_path / "bom.csv"
    path.write_bytes(TABLE.encode("utf-8-sig"))
    result = read_sheet(path, YEAR)
    assert result.encoding == "utf-8-sig"
    assert result.columns["problem"] == "问题"
    assert [row.row for row in result.rows] == [3, 5]


def test_utf8_csv_without_bom(tmp_path: Path) -> None:
    """A plain UTF-8 CSV (from WPS or a script) reads correctly."""
    path = tmp_path / "plain.csv"
    path.write_text(TABLE, encoding="utf-8")
    result = read_sheet(path, YEAR)
    assert result.encoding == "utf-8"
    assert result.rows[1].deadline.date == dt.date(2024, 9, 30)


def test_row_numbers_count_records_not_lines(tmp_path: Path) -> None:
    """Row numbers match Excel's even when a cell holds a line break."""
    path = tmp_path / "bad.csv"
    path.write_text(TABLE + '3,"孵化器\n建设慢",科技局,下个月吧,\n', encoding="utf-8")
    result = read_sheet(path, YEAR)
    assert [row_error_text("zh", e) for e in result.errors] == [
        '第 7 行「办理时限」：无法把"下个月吧"读作日期'
    ]


def test_header_not_found_in_any_encoding_is_refused(tmp_path: Path) -> None:
    """A CSV in another encoding (here UTF-16) is refused, not decoded into mojibake."""
    path = tmp_path / "utf16.csv"
    path.write_bytes(TABLE.encode("utf-16"))
    with pytest.raises(SheetFileError, match=r"cannot find the header row .* UTF-8 or GBK"):
        read_sheet(path, YEAR)


def test_csv_without_task_header_is_refused(tmp_path: Path) -> None:
    """A CSV that is not a task table is refused the same way."""
    path = tmp_path / "list.csv"
    path.write_text("姓名,电话\n张三,123\n", encoding="utf-8")
    with pytest.raises(SheetFileError, match="cannot find the header row"):
        read_sheet(path, YEAR)


def test_semicolon_separated_csv(tmp_path: Path) -> None:
    """A CSV saved with semicolons (European Excel settings) is read too."""
    path = tmp_path / "semi.csv"
    path.write_text("问题;承办单位;办理时限\n高企数量偏少;科技局;年底\n", encoding="utf-8")
    assert read_sheet(path, YEAR).rows[0].unit == "科技局"


def test_xlsx_named_csv_is_refused(tmp_path: Path) -> None:
    """A workbook renamed to .csv is recognised and the fix named."""
    path = tmp_path / "renamed.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(SheetFileError, match=r"rename it to \.xlsx"):
        read_sheet(path, YEAR)
