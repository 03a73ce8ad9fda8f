"""Every sheet of every workbook the bot makes is set up for paper (issue 15): the ledger
export with its history, visits and evidence sheets, the weekly workbook, and the copy of
an imported sheet with its errors marked. Read back with openpyxl, as Excel and WPS read
them: orientation, fit to width, print titles, footer, fonts, number cells."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from openpyxl.styles import Font

from bot.builders.build import BuildContext
from bot.builders.export_job import write_export
from bot.builders.import_preview import annotate
from bot.builders.scope import Scope
from bot.builders.weekly_report import build_weekly
from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.people import telegram_address
from bot.platforms.telegram.render import TelegramRenderer
from bot.sheets.reader import read_sheet
from storage import ledger, people
from storage.db import open_database
from storage.policy import set_policy_value
from storage.report_jobs import ReportJob
from tests.printed import assert_prints, cell_fonts

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=TZ)  # a Monday: the weekly covers 11-30 to 12-06
TODAY = NOW.date()
PROGRAMME = "乡村振兴"  # the office's own programme, set in /settings: never 科技创新
FONT = "等线"
OVERDUE = "C00000"


@pytest.fixture
def db():
    database = open_database(":memory:")
    origin = Origin.cli(NOW - timedelta(days=60))
    ledger.ensure_period(database, "2026", 2026, origin)
    set_policy_value(database, "programme", PROGRAMME, origin)
    specs = (
        # seq, problem, unit, deadline offset, deadline_text, town, company
        ("1", "高标准农田建设进度滞后，部分地块未完成土地平整", "农业农村局", -12, "11月底前",
         "磨头镇", "丰禾农业"),
        ("2", "农村人居环境整治长效管护机制不健全", "住建局", 20, "", "磨头镇", "丰禾农业"),
        ("3-1", "村级集体经济收入偏低", "财政局", 30, "年底前", "吴窑镇", "绿源合作社"),
        ("01", "冷链物流设施短板明显", "商务局", -3, "", None, None),
    )  # fmt: skip
    for seq, problem, unit, offset, text, town, company in specs:
        fields = ItemFields(
            problem,
            seq=seq,
            measure="制定推进计划，每月调度",
            unit=unit,
            deadline=TODAY + timedelta(days=offset),
            deadline_text=text,
            town=town,
            company=company,
        )
        ledger.create_item(database, fields, "2026", origin)
    return database


def _context(tmp_path: Path) -> BuildContext:
    return BuildContext(db_path=tmp_path / "unused.sqlite", media_dir=tmp_path, tz=TZ, now=NOW)


def _export(db, tmp_path: Path, scope: Scope | None = None, lang: str = "zh") -> openpyxl.Workbook:
    chosen = scope or Scope()
    made = write_export(_context(tmp_path), db, chosen, tmp_path / lang, lang, evidence=True)
    return openpyxl.load_workbook(made.workbook)


def test_every_sheet_of_the_ledger_export_prints(db, tmp_path: Path) -> None:
    """Summary, all items, each town, history, visits and evidence: landscape A4 one page
    wide, the title and header rows on every page, page N of M and the title (programme
    and day) in the footer, one font family throughout."""
    book = _export(db, tmp_path)
    title = f"{PROGRAMME}督办事项台账（截至 2026-12-07）"
    assert book.sheetnames == [
        "汇总",
        "全部事项",
        "磨头镇",
        "吴窑镇",
        "事项历史",
        "走访记录",
        "佐证材料",
    ]
    assert book["汇总"]["A1"].value == title
    assert book["全部事项"]["A1"].value == title
    summary = book["汇总"]
    units = next(row for row in range(1, 40) if summary.cell(row, 1).value == "承办单位")
    repeated = {"汇总": (units, units), "全部事项": (1, 2), "磨头镇": (1, 2), "吴窑镇": (1, 2)}
    for sheet in book.worksheets:
        assert_prints(sheet, "zh", title, repeated.get(sheet.title, (1, 1)))
    assert cell_fonts(book) == {FONT}
    # The coordinates are for a re-import: the page stops at 督查人员.
    assert book["全部事项"].print_area.endswith("$A$1:$T$6")


def test_ledger_cells_read_as_numbers_dates_and_wrapped_text(db, tmp_path: Path) -> None:
    """序号 and 期次 are numbers (a 3-1 or 01 stays as written); an overdue deadline is
    dark red in the same font, not bold; headers sit as their columns do; 时限原文 and the
    problem wrap; the summary's counts and rates are numbers with their formats."""
    sheet = _export(db, tmp_path)["全部事项"]
    header = [cell.value for cell in sheet[2]]
    column = {name: header.index(name) + 1 for name in header}
    rows = {sheet.cell(row, 1).value: row for row in range(3, sheet.max_row + 1)}
    first = rows["2026-001"]
    seq, period = sheet.cell(first, column["序号"]), sheet.cell(first, column["期次"])
    assert (seq.value, period.value) == (1, 2026)
    assert seq.number_format == period.number_format == "0"
    assert [sheet.cell(rows[code], column["序号"]).value for code in ("2026-003", "2026-004")] == [
        "3-1",
        "01",
    ]
    deadline = sheet.cell(first, column["办理时限"])
    assert deadline.font.color.rgb.endswith(OVERDUE)
    assert (deadline.font.name, deadline.font.bold) == (FONT, False)
    in_time = sheet.cell(rows["2026-002"], column["办理时限"])
    assert in_time.font.color is None or not in_time.font.color.rgb.endswith(OVERDUE)
    for name in ("序号", "期次", "办理时限", "问题"):
        head, cell = sheet.cell(2, column[name]), sheet.cell(first, column[name])
        assert head.alignment.horizontal == cell.alignment.horizontal, name
    assert sheet.cell(2, column["序号"]).alignment.horizontal == "right"
    assert sheet.cell(first, column["时限原文"]).alignment.wrap_text
    assert sheet.cell(first, column["问题"]).alignment.wrap_text
    assert sheet.cell(first, column["问题"]).border.left.style == "thin"
    assert sheet.row_dimensions[first].height >= 2 * 16  # the problem takes two lines

    summary = _export(db, tmp_path / "again")["汇总"]
    by_unit = {row[0].value: row for row in summary.iter_rows() if row[0].value == "农业农村局"}
    unit_row = by_unit["农业农村局"]
    assert [cell.value for cell in unit_row[:5]] == ["农业农村局", 1, 0, 1, 0.0]
    assert [cell.number_format for cell in unit_row[1:5]] == ["0", "0", "0", "0.0%"]
    assert [cell.alignment.horizontal for cell in unit_row[1:5]] == ["right"] * 4


def test_an_exported_ledger_still_imports_to_the_same_items(db, tmp_path: Path) -> None:
    """Numbers where the office wrote digits read back as the same 序号."""
    made = write_export(_context(tmp_path), db, Scope(), tmp_path, "zh")
    rows = read_sheet(made.workbook, 2026, sheet="全部事项").rows
    assert [row.seq for row in rows] == ["1", "2", "3-1", "01"]


def test_a_period_export_names_the_period_and_an_english_one_speaks_english(
    db, tmp_path: Path
) -> None:
    """The title says which 批次 and as of which day; an English reader's footer says
    Page N of M under an English title."""
    chinese = _export(db, tmp_path, Scope(period="2026", town="磨头镇"))
    title = f"{PROGRAMME}督办事项台账 · 磨头镇（2026 批次，截至 2026-12-07）"
    assert chinese["汇总"]["A1"].value == title
    english = _export(db, tmp_path, Scope(period="2026"), lang="en")
    title = f"Supervision ledger: {PROGRAMME} (period 2026, as of 2026-12-07)"
    assert english["Summary"]["A1"].value == title
    for sheet in english.worksheets:
        assert_prints(sheet, "en", title, None)


def _weekly_job(db, language: str) -> ReportJob:
    person = people.ensure_admin(db, 500, "李主任", language, Origin.cli(NOW))
    params = {"week": TODAY.isoformat()}
    return ReportJob(
        7, "weekly", person.id, telegram_address(1), language, params, "pending", 0, NOW
    )


def test_every_sheet_of_the_weekly_workbook_prints(db, tmp_path: Path) -> None:
    """Five sheets, each set up for paper under a title naming the programme and the
    week; the units' figures are numbers under right-aligned headings, overdue counts in
    colour only."""
    result = build_weekly(_context(tmp_path), _weekly_job(db, "zh"), db)
    ((_, payload),) = TelegramRenderer().render(result.sends[0], "1", "zh")
    book = openpyxl.load_workbook(payload["document"]["path"])
    title = f"{PROGRAMME}督办周报（2026-11-30 至 2026-12-06）"
    assert book["概况"]["A1"].value == title
    for sheet in book.worksheets:
        assert_prints(sheet, "zh", title, (1, 1) if sheet.title == "概况" else (1, 2))
    assert cell_fonts(book) == {FONT}
    units = book["单位排名"]
    header = [cell.value for cell in units[2]]
    overdue = header.index("逾期") + 1
    top = units.cell(3, overdue)
    assert isinstance(top.value, int) and top.number_format == "0"
    assert units.cell(2, overdue).alignment.horizontal == top.alignment.horizontal == "right"
    late = next(row for row in units.iter_rows(min_row=3) if row[overdue - 1].value)
    assert late[overdue - 1].font.color.rgb.endswith(OVERDUE)
    assert (late[overdue - 1].font.name, late[overdue - 1].font.bold) == (FONT, False)


HEADER = ["序号", "问题", "措施", "承办单位", "办理时限", "领域"]
ROWS = [
    [1, "研发投入偏低", "建研发中心", "科技局", "2030-06-30", "高企培育"],
    [2, "人才引进难", "落实人才政策", "人社局", "下个月吧", "高企培育"],
]


def _office_sheet(path: Path) -> Path:
    """The office's own workbook: its title row, its header, its 宋体, a notes sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "任务表"
    sheet.append(["2026年度督查推进任务表"])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            cell.font = Font(name="宋体", size=12)
    book.create_sheet("说明").append(["填表说明"])
    book.save(path)
    return path


def test_the_annotated_copy_of_an_office_sheet_prints_in_its_own_fonts(tmp_path: Path) -> None:
    """The office's sheet keeps its face: a faulty cell turns red, not bold or another
    font; every sheet prints landscape one page wide, the checked one repeating its title
    and header rows, with the file and the period in the footer."""
    source = _office_sheet(tmp_path / "任务表.xlsx")
    result = read_sheet(source, 2026)
    assert result.errors and result.header_row == 2
    target = tmp_path / "marked.xlsx"
    annotate(source, result, result.errors, target, "zh", "任务表-错误标注 · 2026 批次")
    book = openpyxl.load_workbook(target)
    assert_prints(book["任务表"], "zh", "任务表-错误标注 · 2026 批次", (1, 2))
    assert_prints(book["说明"], "zh", "任务表-错误标注", None)
    faulty = book["任务表"].cell(row=4, column=5)
    assert faulty.font.color.rgb.endswith("9C0006")
    assert (faulty.font.name, faulty.font.sz, faulty.font.bold) == ("宋体", 12, False)
    reason = book["任务表"].cell(row=4, column=7)
    assert reason.value and reason.font.name == "宋体" and reason.alignment.wrap_text
    assert book["任务表"].row_dimensions[4].height >= 16  # a row's line, not clipped


def test_the_annotated_copy_of_a_csv_is_built_in_the_workbooks_style(tmp_path: Path) -> None:
    """A CSV has no look of its own: the copy is in the workbooks' one font, bordered."""
    source = tmp_path / "任务表.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *ROWS])
    result = read_sheet(source, 2026)
    target = tmp_path / "marked.xlsx"
    annotate(source, result, result.errors, target, "en", "tasks-errors · period 2026")
    book = openpyxl.load_workbook(target)
    assert_prints(book.active, "en", "tasks-errors · period 2026", (1, 1))
    assert cell_fonts(book) == {FONT}
    assert book.active.cell(row=2, column=3).border.left.style == "thin"
    heights = [book.active.row_dimensions[row].height for row in range(1, 4)]
    assert all(height and height >= 16 for height in heights)  # a whole line, never clipped


def test_titles_never_carry_a_programme_the_office_did_not_choose(tmp_path: Path) -> None:
    """Without the setting the title uses the catalogue's wording in the reader's
    language; once set, only the office's."""
    database = open_database(":memory:")
    ledger.ensure_period(database, "2026", 2026, Origin.cli(NOW))
    ledger.create_item(database, ItemFields("问题", unit="科技局"), "2026", Origin.cli(NOW))
    english = write_export(_context(tmp_path), database, Scope(), tmp_path / "en", "en")
    title = openpyxl.load_workbook(english.workbook)["Summary"]["A1"].value
    assert title == "Supervision ledger: science and technology innovation (as of 2026-12-07)"
