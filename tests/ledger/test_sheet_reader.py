"""Reading real-world .xlsx task tables: titles, two-row headers, merges, hidden columns."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from bot.sheets.model import RowError, SheetFileError
from bot.sheets.reader import read_sheet
from bot.sheets.wording import row_error_text

YEAR = 2024


def make_xlsx(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    merges: Sequence[str] = (),
    hidden: Sequence[str] = (),
    title: str = "任务表",
) -> Path:
    """A one-sheet workbook as an office would build it by hand."""
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for ref in merges:
        sheet.merge_cells(ref)
    for letter in hidden:
        sheet.column_dimensions[letter].hidden = True
    workbook.save(path)
    return path


@pytest.fixture
def office_sheet(tmp_path: Path) -> Path:
    """Merged title, two-row header with group cells, blank/section/subtotal/note rows."""
    rows = [
        ["2024年度科技创新工作督查推进任务表"],
        ["序号", "任务内容", None, "责任分工", None, "办理\n时限 ", " 跟踪督办目标 ", "镇区",
         "备注"],
        [None, " 问题 ", "措施\n", "承办单位", "配合单位", None, None, None, None],
        ["一、高企培育"],
        [1, "高企数量偏少", "开展培育", "科技局", "工信局", dt.datetime(2024, 6, 30), "净增100家",
         "磨头镇", None],
        [2, "研发投入低", "落实补贴", None, "财政局", "6月底前", "研发投入占比达3%", None, None],
        [None],
        [3, "孵化器建设慢", "加快建设", "高新区管委会", None, "三季度末", None, "高新区", None],
        ["小计", None, None, None, None, None, "3项", None, None],
        ["注：办理时限以文件为准"],
    ]  # fmt: skip
    merges = ["A1:I1", "A2:A3", "B2:C2", "D2:E2", "F2:F3", "G2:G3", "H2:H3", "I2:I3"]
    # The unit and the town are written once for rows 5–6, merged vertically.
    merges += ["D5:D6", "H5:H6"]
    return make_xlsx(tmp_path / "任务表.xlsx", rows, merges=merges)


def test_office_sheet_rows(office_sheet: Path) -> None:
    """A hand-made office table imports every task row with its fields."""
    result = read_sheet(office_sheet, YEAR)
    assert result.errors == []
    assert [row.row for row in result.rows] == [5, 6, 8]
    first, second, third = result.rows
    assert (first.seq, first.problem, first.measure) == ("1", "高企数量偏少", "开展培育")
    assert (first.unit, first.co_units) == ("科技局", ("工信局",))
    assert first.deadline.date == dt.date(2024, 6, 30)
    assert (first.target, first.target_number) == ("净增100家", 100.0)
    assert third.deadline.date == dt.date(2024, 9, 30)
    assert third.town == "高新区"
    assert second.deadline.text == "6月底前"


def test_vertically_merged_cells_fill_each_row(office_sheet: Path) -> None:
    """A unit or town written once in a merged cell applies to every row it spans."""
    second = read_sheet(office_sheet, YEAR).rows[1]
    assert (second.unit, second.co_units, second.town) == ("科技局", ("财政局",), "磨头镇")


def test_two_row_header_and_labels(office_sheet: Path) -> None:
    """The header under a merged title and group cells is found, and names are cleaned."""
    result = read_sheet(office_sheet, YEAR)
    assert result.header_row == 3
    assert result.columns["problem"] == "问题"
    assert result.columns["deadline"] == "办理时限"
    assert result.columns["target"] == "跟踪督办目标"
    assert result.sheet == "任务表"


def test_blank_section_subtotal_and_note_rows_are_skipped(office_sheet: Path) -> None:
    """Section titles, blank rows, 小计 and 注： rows are counted, not imported."""
    assert read_sheet(office_sheet, YEAR).skipped == 4


def test_english_headers(tmp_path: Path) -> None:
    """A table with English column names reads the same as a Chinese one."""
    rows = [
        ["No.", "Problem ", "Measures", "Responsible unit", "Co-units", "Deadline", "Target",
         "Town", "Company", "Level"],
        [1, "Few high-tech firms", "Coach them", "科技局", "工信局", "2024-06-30", "net +100",
         "磨头镇", "卓远半导体", "Yellow"],
    ]  # fmt: skip
    result = read_sheet(make_xlsx(tmp_path / "en.xlsx", rows), YEAR)
    row = result.rows[0]
    assert (row.problem, row.unit, row.company, row.level) == (
        "Few high-tech firms",
        "科技局",
        "卓远半导体",
        "yellow",
    )
    assert row.deadline.date == dt.date(2024, 6, 30)
    assert result.columns["unit"] == "Responsible unit"


def test_bilingual_header_rows(tmp_path: Path) -> None:
    """Chinese names over English ones form one header; the English row is not a task."""
    rows = [
        ["序号", "问题", "承办单位", "办理时限"],
        ["No.", "Problem", "Responsible unit", "Deadline"],
        [1, "高企数量偏少", "科技局", "年底"],
    ]
    result = read_sheet(make_xlsx(tmp_path / "both.xlsx", rows), YEAR)
    assert [row.row for row in result.rows] == [3]
    assert result.errors == []


def test_hidden_column_is_ignored(tmp_path: Path) -> None:
    """A hidden column (an old version of a column) never feeds the import."""
    rows = [
        ["序号", "问题", "问题", "承办单位", "办理时限"],
        [1, "旧的问题描述", "高企数量偏少", "科技局", "年底"],
        [2, "旧的", None, None, None],
    ]
    result = read_sheet(make_xlsx(tmp_path / "hidden.xlsx", rows, hidden=["B"]), YEAR)
    assert [row.problem for row in result.rows] == ["高企数量偏少"]
    # Row 3 only has a number in the first column and text in the hidden one.
    assert [row_error_text("zh", e) for e in result.errors] == ["第 3 行「问题」：没有填写问题"]


def test_row_errors_name_row_and_column(tmp_path: Path) -> None:
    """Each bad cell is listed with the row number Excel shows and the header text."""
    rows = [
        ["督查推进任务表"],
        ["序号", "问题", "承办单位", "办理时限", "督办等级"],
        [1, "高企数量偏少", "科技局", "年底", "一般督办"],
        [2, None, "工信局", "年底", None],
        [3, "孵化器建设慢", "科技局", "下个月吧", "紫色"],
    ]
    result = read_sheet(make_xlsx(tmp_path / "bad.xlsx", rows, merges=["A1:E1"]), YEAR)
    assert [row_error_text("zh", error) for error in result.errors] == [
        "第 4 行「问题」：没有填写问题",
        '第 5 行「办理时限」：无法把"下个月吧"读作日期',
        '第 5 行「督办等级」：无法把"紫色"读作督办等级（请写一般督办、重点督办或提级督办）',
    ]
    assert [row_error_text("en", error) for error in result.errors] == [
        'Row 4, column "Problem": no problem text',
        'Row 5, column "Deadline": cannot read "下个月吧" as a date',
        'Row 5, column "Level": cannot read "紫色" as a level '
        "(write 一般督办, 重点督办 or 提级督办, or blue, yellow, red)",
    ]
    assert result.errors[1] == RowError(
        5, "办理时限", "deadline.error.unreadable", {"text": "下个月吧"}, "deadline"
    )
    assert [row.row for row in result.rows] == [3]
    assert result.rows[0].level == "blue"


def test_trailing_blank_rows_are_not_counted(tmp_path: Path) -> None:
    """Formatting left below the table does not inflate the skipped count."""
    rows = [["序号", "问题", "办理时限"], [1, "高企数量偏少", "年底"], [], [None, " "], []]
    result = read_sheet(make_xlsx(tmp_path / "tail.xlsx", rows), YEAR)
    assert (len(result.rows), result.skipped) == (1, 0)


def test_missing_problem_column_is_a_file_error(tmp_path: Path) -> None:
    """Without a problem column nothing can be imported, and the message says why."""
    rows = [["序号", "措施", "承办单位", "办理时限"], [1, "开展培育", "科技局", "年底"]]
    with pytest.raises(SheetFileError, match=r"no problem column \(问题/问题清单"):
        read_sheet(make_xlsx(tmp_path / "nop.xlsx", rows), YEAR)


def test_no_header_is_a_file_error(tmp_path: Path) -> None:
    """A sheet that is not a task table is refused, naming the columns looked for."""
    rows = [["会议纪要"], ["今天开会"], ["大家发言"]]
    with pytest.raises(SheetFileError, match="cannot find the header row"):
        read_sheet(make_xlsx(tmp_path / "minutes.xlsx", rows), YEAR)


def test_sheet_with_the_table_is_chosen(tmp_path: Path) -> None:
    """In a workbook with a cover sheet and a hidden sheet, the task table is read."""
    workbook = openpyxl.Workbook()
    cover = workbook.worksheets[0]
    cover.title = "封面"
    cover.append(["2024年度督查推进任务表"])
    secret = workbook.create_sheet("旧表")
    secret.append(["序号", "问题", "措施", "承办单位", "办理时限", "跟踪督办目标"])
    secret.append([1, "旧问题", "旧措施", "科技局", "年底", "无"])
    secret.sheet_state = "hidden"
    table = workbook.create_sheet("任务清单")
    table.append(["序号", "问题", "承办单位", "办理时限"])
    table.append([1, "高企数量偏少", "科技局", "年底"])
    workbook.save(tmp_path / "book.xlsx")
    result = read_sheet(tmp_path / "book.xlsx", YEAR)
    assert (result.sheet, [r.problem for r in result.rows]) == ("任务清单", ["高企数量偏少"])
    named = read_sheet(tmp_path / "book.xlsx", YEAR, sheet="旧表")
    assert [r.problem for r in named.rows] == ["旧问题"]


def test_numbers_read_as_text_without_decimals(tmp_path: Path) -> None:
    """序号 1 typed as a number reads as "1", not "1.0"; targets that are numbers count."""
    rows = [["序号", "问题", "跟踪督办目标"], [1.0, "高企数量偏少", 142]]
    row = read_sheet(make_xlsx(tmp_path / "n.xlsx", rows), YEAR).rows[0]
    assert (row.seq, row.target, row.target_number) == ("1", "142", 142.0)


def test_status_is_read_for_display_only(tmp_path: Path) -> None:
    """The status column of an export is recognised but unknown words are no error."""
    rows = [["问题", "状态", "承办单位"], ["甲", "已销号", "科技局"], ["乙", "快好了", "科技局"]]
    result = read_sheet(make_xlsx(tmp_path / "s.xlsx", rows), YEAR)
    assert [row.status for row in result.rows] == ["closed", None]
    assert result.errors == []


def test_wrong_dimension_record_does_not_cut_rows(tmp_path: Path) -> None:
    """Files whose generator wrote a wrong used range (A1:A1) still read every column."""
    rows = [["序号", "问题", "承办单位", "办理时限"], [1, "高企数量偏少", "科技局", "年底"]]
    source = make_xlsx(tmp_path / "source.xlsx", rows)
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(patched, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:A1"', data)
            new.writestr(info, data)
    row = read_sheet(patched, YEAR).rows[0]
    assert (row.problem, row.unit) == ("高企数量偏少", "科技局")
