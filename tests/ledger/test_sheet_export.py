"""Exported tables: what the office opens in Excel/WPS, and what imports back unchanged."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from bot.domain.presence import Point
from bot.sheets.model import ExportData, ExportItem
from bot.sheets.reader import read_sheet
from bot.sheets.writer import sheet_title, write_csv, write_xlsx

TODAY = dt.date(2024, 7, 1)
CST = dt.timezone(dt.timedelta(hours=8))

ITEMS = (
    ExportItem(
        code="2024-001",
        problem="高企数量偏少",
        period="2024",
        seq="1",
        measure="开展高企培育",
        unit="科技局",
        co_units=("工信局", "各镇区"),
        deadline=dt.date(2024, 6, 30),
        deadline_text="6月底前",
        target="净增100家",
        area="高企培育",
        town="磨头镇",
        company="卓远半导体",
        status="in_progress",
        level="yellow",
        last_activity=dt.datetime(2024, 6, 20, 1, 30, tzinfo=dt.UTC),
        notes="",
        inspectors=("王督查", "Li Daibiao"),
        point=Point(32.371234, 120.567891),
    ),
    ExportItem(
        code="2024-002",
        problem="=1+1",
        period="2024",
        seq="2",
        measure="-减少审批环节",
        unit="财政局",
        recurring="monthly",
        deadline_text="每月",
        target="@SUM(A1)",
        town="磨头镇",
        company="力威机械",
        status="closed",
        level="none",
        point=Point(-33.8688, -151.2093),  # a leading minus: quoted in CSV, read back
    ),
    ExportItem(
        code="2024-003",
        problem="孵化器建设慢",
        period="2024",
        seq="3",
        unit="高新区管委会",
        deadline=dt.date(2024, 9, 30),
        town="高新区",
        company="卓远半导体",
        status="open",
        level="red",
        sheet_level="blue",
    ),
    ExportItem(
        code="2024-004",
        problem="人才引进难",
        period="2024",
        seq="4",
        unit="人社局",
        ongoing=True,
        status="open",
    ),
)


@pytest.fixture
def data() -> ExportData:
    return ExportData(title="督办事项 2024", today=TODAY, items=ITEMS)


def test_xlsx_round_trip(tmp_path: Path, data: ExportData) -> None:
    """An exported workbook imports back to the same sheet fields, matched by code."""
    path = tmp_path / "export.xlsx"
    write_xlsx(path, data)
    result = read_sheet(path, 2024)
    assert result.errors == []
    assert result.skipped == 0
    assert result.columns["code"] == "督办编号"
    for item, row in zip(ITEMS, result.rows, strict=True):
        assert (row.code, row.seq, row.problem, row.measure) == (
            item.code,
            item.seq,
            item.problem,
            item.measure,
        )
        assert (row.unit, row.co_units) == (item.unit, tuple(item.co_units))
        assert (row.deadline.date, row.deadline.text) == (item.deadline, item.deadline_text)
        assert (row.deadline.recurring, row.deadline.ongoing) == (item.recurring, item.ongoing)
        assert (row.target, row.area, row.town, row.company) == (
            item.target,
            item.area,
            item.town,
            item.company,
        )
        assert (row.level, row.status, row.notes) == (item.sheet_level, item.status, item.notes)
        assert (row.inspectors, row.point) == (tuple(item.inspectors), item.point)


def test_csv_round_trip(tmp_path: Path, data: ExportData) -> None:
    """An exported CSV imports back to the same fields, quote prefixes removed."""
    path = tmp_path / "export.csv"
    write_csv(path, data)
    result = read_sheet(path, 2024)
    assert result.errors == []
    assert result.encoding == "utf-8-sig"
    assert [row.problem for row in result.rows] == [item.problem for item in ITEMS]
    assert [row.measure for row in result.rows] == [item.measure for item in ITEMS]
    assert [row.deadline.date for row in result.rows] == [item.deadline for item in ITEMS]
    assert [row.status for row in result.rows] == [item.status for item in ITEMS]
    assert [row.inspectors for row in result.rows] == [tuple(item.inspectors) for item in ITEMS]
    assert [row.point for row in result.rows] == [item.point for item in ITEMS]


def test_xlsx_formulas_are_written_as_text(tmp_path: Path, data: ExportData) -> None:
    """Text typed into the bot never runs as a formula when the office opens the export."""
    path = tmp_path / "export.xlsx"
    write_xlsx(path, data)
    sheet = openpyxl.load_workbook(path)["全部事项"]
    problem = sheet.cell(row=4, column=7)
    assert (problem.value, problem.data_type, problem.quotePrefix) == ("=1+1", "s", True)
    assert sheet.cell(row=4, column=8).value == "-减少审批环节"
    assert sheet.cell(row=4, column=8).data_type == "s"
    assert sheet.cell(row=4, column=13).data_type == "s"


def test_csv_formulas_are_quoted(tmp_path: Path, data: ExportData) -> None:
    """In CSV a leading ' keeps Excel and WPS from running =, +, - and @ cells."""
    path = tmp_path / "export.csv"
    write_csv(path, data)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "督办编号"
    assert (rows[2][6], rows[2][7], rows[2][12]) == ("'=1+1", "'-减少审批环节", "'@SUM(A1)")
    assert rows[0][-3:] == ["督查人员", "纬度", "经度"]
    assert rows[2][-2:] == ["'-33.8688", "'-151.2093"]  # read back as numbers (round trip)


def test_all_items_sheet_layout(tmp_path: Path, data: ExportData) -> None:
    """Dates are real dates, the header stays in view and can be filtered."""
    path = tmp_path / "export.xlsx"
    write_xlsx(path, data)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["汇总", "全部事项", "磨头镇", "高新区"]
    sheet = workbook["全部事项"]
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:V6"  # through 最新数据, 督查人员, 纬度, 经度
    assert [cell.value for cell in sheet[2]][:3] == ["督办编号", "期次", "序号"]
    deadline = sheet.cell(row=3, column=11)
    assert deadline.value == dt.datetime(2024, 6, 30)
    assert deadline.number_format == "yyyy-mm-dd"
    assert deadline.font.color.rgb.endswith("C00000")  # overdue on 2024-07-01
    assert sheet.cell(row=3, column=12).value == "6月底前"
    assert sheet.cell(row=3, column=18).value == dt.datetime(2024, 6, 20, 9, 30)
    assert sheet.cell(row=6, column=11).value == "长期坚持"


def test_summary_counts(tmp_path: Path, data: ExportData) -> None:
    """The summary gives counts by status and level and each unit's close-out rate."""
    path = tmp_path / "export.xlsx"
    write_xlsx(path, data)
    values = [
        [cell for cell in row if cell is not None]
        for row in openpyxl.load_workbook(path)["汇总"].iter_rows(values_only=True)
    ]
    assert ["已销号", 1] in values
    assert ["待办理", 2] in values
    assert ["提级督办（红）", 1] in values
    assert ["未定级", 2] in values
    assert ["科技局", 1, 0, 1, 0.0] in values
    assert ["财政局", 1, 1, 0, 1.0] in values


def test_town_sheets_have_a_block_per_company(tmp_path: Path, data: ExportData) -> None:
    """一镇区一企一表一清单: each town sheet lists its items company by company."""
    path = tmp_path / "export.xlsx"
    write_xlsx(path, data)
    sheet = openpyxl.load_workbook(path)["磨头镇"]
    first_cells = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert first_cells == [
        "磨头镇（2 项）",
        "督办编号",
        "卓远半导体（1 项）",
        "2024-001",
        "力威机械（1 项）",
        "2024-002",
    ]
    assert read_sheet(path, 2024, sheet="磨头镇").skipped == 2


def test_english_export_reads_back(tmp_path: Path, data: ExportData) -> None:
    """An export with English headers and labels imports the same way."""
    path = tmp_path / "export-en.xlsx"
    english = ExportData(title="Items 2024", today=TODAY, items=ITEMS, language="en")
    write_xlsx(path, english)
    rows = read_sheet(path, 2024).rows
    assert [(row.code, row.level, row.status) for row in rows] == [
        (item.code, item.sheet_level, item.status) for item in ITEMS
    ]
    assert rows[1].deadline.recurring == "monthly"
    assert rows[3].deadline.ongoing
    assert [(row.inspectors, row.point) for row in rows] == [
        (tuple(item.inspectors), item.point) for item in ITEMS
    ]


def test_sheet_titles_are_sanitised() -> None:
    """Town names become sheet names Excel accepts: short, no []:*?/\\, unique."""
    used: set[str] = set()
    assert sheet_title("如城街道[东]:*?/\\", used) == "如城街道_东______"
    assert sheet_title("高新区", used) == "高新区"
    assert sheet_title("高新区", used) == "高新区(2)"
    long_name = "很长的镇区名称" * 6
    assert len(sheet_title(long_name, used)) == 31
    assert len(sheet_title(long_name, used)) == 31
    assert len(used) == 5
    assert sheet_title("History", used) == "History_"
    assert sheet_title("", used) == "Sheet"


def test_changed_date_in_an_export_wins_over_the_old_wording(
    tmp_path: Path, data: ExportData
) -> None:
    """If the office moves a date in an exported file, the new date counts, not 6月底前."""
    path = tmp_path / "export.xlsx"
    write_xlsx(path, data)
    workbook = openpyxl.load_workbook(path)
    workbook["全部事项"].cell(row=3, column=11).value = dt.date(2024, 8, 31)
    workbook.save(path)
    first = read_sheet(path, 2024).rows[0]
    assert (first.deadline.date, first.deadline.text) == (dt.date(2024, 8, 31), "2024-08-31")
