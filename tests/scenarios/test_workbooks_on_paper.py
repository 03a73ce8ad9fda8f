"""The workbooks a phone receives are ready for the printer (issue 15): the /export ledger
and the annotated copy of a faulty sheet, opened as the office opens them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.audit import Origin
from storage.policy import set_policy_value
from tests.harness import Duban, export_menu_for_town, last_workbook, office
from tests.printed import assert_prints, cell_fonts
from tests.sheets import XLSX, xlsx

pytestmark = pytest.mark.both_platforms

WAIT = 20.0
PROGRAMME = "营商环境"


async def test_the_exported_ledger_prints_under_the_offices_programme(duban: Duban) -> None:
    """A town's export: every sheet landscape, one page wide, headers repeated, the title
    naming the programme the office set and the day, page N of M; overdue in colour."""
    today = datetime.now(UTC).astimezone(duban.settings.timezone).date()
    late = duban.seed_item(
        "企业开办全程网办率偏低", company="力威机械", town="磨头镇", unit="行政审批局",
        deadline=today - timedelta(days=9),
    )  # fmt: skip
    db = duban.db()
    try:
        set_policy_value(db, "programme", PROGRAMME, Origin.cli(datetime.now(UTC)))
    finally:
        db.close()
    admin = await office(duban)
    await export_menu_for_town(admin, "磨头镇")
    await admin.tap("📗 Excel 表格")
    await admin.expect("已导出 1 项（磨头镇）", within=WAIT)
    await duban.settle(WAIT)

    book = last_workbook(admin)
    title = f"{PROGRAMME}督办事项台账 · 磨头镇（截至 {today.isoformat()}）"
    assert book["汇总"]["A1"].value == title
    for sheet in book.worksheets:
        assert_prints(sheet, "zh", title, (1, 2) if sheet.title == "全部事项" else None)
    assert cell_fonts(book) == {"等线"}
    items = book["全部事项"]
    headers = [cell.value for cell in items[2]]
    row = {name: items.cell(3, index) for index, name in enumerate(headers, start=1)}
    assert row["督办编号"].value == late.code
    assert row["期次"].value == today.year and row["期次"].number_format == "0"
    deadline = row["办理时限"]
    assert deadline.font.color.rgb.endswith("C00000") and not deadline.font.bold


async def test_a_faulty_sheet_comes_back_marked_and_ready_to_print(duban: Duban) -> None:
    """The annotated copy prints landscape one page wide with the sheet's header on every
    page and the file's name in the footer; the faulty cell is red in its own font."""
    admin = duban.admin()
    header = ["序号", "问题", "措施", "承办单位", "办理时限", "领域"]
    rows = [[1, "研发投入偏低", "建研发中心", "科技局", "下个月吧", "高企培育"]]
    await admin.send_document(xlsx(header, rows), "任务表.xlsx", XLSX)
    await admin.expect("导入预览", within=WAIT)
    await duban.settle(WAIT)
    sheet = last_workbook(admin).active
    assert_prints(sheet, "zh", "任务表-错误标注", (1, 1))
    faulty = sheet.cell(row=2, column=5)
    assert faulty.value == "下个月吧" and faulty.font.color.rgb.endswith("9C0006")
    assert not faulty.font.bold
