"""Periods (批次) that stay as they were, as the office meets them on a phone: after the
ledger rolled 2024 → 2025 and an item was closed with a new figure in 2025, the 2024 report
and the 2024 export still show it open with its 2024 figure.

The database is rolled by the code's own roll at past clocks (tests/period_seed.py), the
same rows a database rolled before this change holds.
"""

from __future__ import annotations

import pytest

from bot.domain.lifecycle import Role
from tests.harness import Duban, last_document, last_workbook
from tests.period_seed import Rolled, seed_rolled

pytestmark = pytest.mark.both_platforms

WAIT = 20.0  # a job is picked up within a second; charts take a moment on a slow machine


def _rolled(duban: Duban) -> Rolled:
    db = duban.db()
    try:
        return seed_rolled(db)
    finally:
        db.close()


async def test_the_2024_report_is_chosen_as_a_period_and_shows_2024(duban: Duban) -> None:
    """/report offers the periods beside the calendar ranges; 2024's figures are 2024's."""
    _rolled(duban)
    leader = await duban.register(6201, "陈主任", Role.LEADER)
    await leader.send("/report")
    menu = await leader.expect("督办报表")
    assert {"2024 批次", "2025 批次", "✓ 本季度"} <= set(menu.buttons)
    await leader.tap("2024 批次")
    chosen = await leader.expect("期间：2024 批次")
    assert "✓ 2024 批次" in chosen.buttons and "本季度" in chosen.buttons
    await leader.tap("📊 生成报表")
    summary = await leader.expect("2024 批次的事项", within=WAIT)
    assert "截至 2024-12-31" in summary.text
    assert "2024-01-01 至 2024-12-31" in summary.text
    # Today the item is closed in 2025; in 2024 it was still open (1 closed of 3, 2 overdue).
    assert "事项 3 项，已销号 1 项" in summary.text
    assert "逾期 2 项" in summary.text


async def test_this_quarter_is_still_today_after_choosing_a_period(duban: Duban) -> None:
    """Tapping a calendar range again leaves the period: the report covers today's items."""
    _rolled(duban)
    admin = duban.admin()
    await admin.send("/report")
    await admin.expect("督办报表")
    await admin.tap("2024 批次")
    await admin.expect("期间：2024 批次")
    await admin.tap("全部")
    await admin.expect("期间：全部")
    await admin.tap("📊 生成报表")
    summary = await admin.expect("事项 3 项，已销号 2 项", within=WAIT)
    assert "批次" not in summary.text


async def test_the_2024_export_from_chat_shows_it_open_with_its_2024_figure(
    duban: Duban,
) -> None:
    """/export → 按批次 → 2024: every 2024 item, with status and figure of 2024-12-31."""
    seeded = _rolled(duban)
    admin = duban.admin()
    await admin.send("/export")
    await admin.expect("导出督办台账")
    await admin.tap("按批次")
    periods = await admin.expect("选择批次")
    assert {"2024 批次", "2025 批次"} <= set(periods.buttons)
    await admin.tap("2024 批次")
    await admin.expect("范围：2024 批次")
    await admin.tap("📗 Excel 表格")
    await admin.expect("已导出 3 项（2024 批次）", within=WAIT)
    await duban.settle(WAIT)
    assert last_document(admin)["file_name"].endswith(".xlsx")
    book = last_workbook(admin)
    items = book["全部事项"]
    headers = [cell.value for cell in items[2]]
    rows = {
        row[0]: dict(zip(headers, row, strict=True))
        for row in items.iter_rows(min_row=3, values_only=True)
    }
    assert set(rows) == set(seeded.codes.values())
    startups = rows[seeded.codes["startups"]]
    assert (startups["状态"], startups["最新数据"], startups["期次"]) == ("待办理", 79, 2024)
    assert startups["当前等级"] == "提级督办（红）"
    assert rows[seeded.codes["park"]]["状态"] == "已销号"
    summary = [row for row in book["汇总"].iter_rows(values_only=True) if row[0] == "状态截至"]
    assert summary and summary[0][1].date().isoformat() == "2024-12-31"
