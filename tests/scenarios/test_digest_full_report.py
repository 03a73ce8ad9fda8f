"""The weekly digest's "full report" button: the week as a workbook, on a leader's phone."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from bot.domain.lifecycle import Role
from tests.harness import Duban, at

pytestmark = pytest.mark.both_platforms

WAIT = 30.0  # the first job starts the builder process


def close(duban: Duban, item_id: int, moment: datetime) -> None:
    """Mark an item closed at a local moment (how it got there is not this test's matter)."""
    db = duban.db()
    try:
        db.execute(
            "UPDATE items SET status = 'closed', closed_at = ? WHERE id = ?",
            [moment.astimezone(UTC).isoformat(), item_id],
        )
    finally:
        db.close()


def column(sheet, letter: str) -> list[object]:
    """The values under the title and header rows."""
    return [cell.value for cell in sheet[letter][2:]]


async def test_leader_receives_the_weeks_workbook(duban_clock: Duban) -> None:
    """A leader taps 📄 完整周报 under the digest (twice, quickly) and gets one workbook
    督办周报_<Monday>至<Sunday>.xlsx: the item closed that week (to Sunday 23:30 local) is
    under 本周销号, the one whose deadline passed is under 新增逾期 with its days overdue,
    and the caption sums the week up."""
    leader = await duban_clock.register(7301, "李主任", Role.LEADER)
    done = duban_clock.seed_task("孵化器入驻率不足", "科技局", date(2024, 6, 30))
    sunday = duban_clock.seed_task("研发投入偏低", "科技局", date(2024, 6, 30))
    monday = duban_clock.seed_task("人才公寓未交付", "人社局", date(2024, 6, 30))
    late = duban_clock.seed_task("双创载体考核", "工信局", date(2024, 6, 5))
    await duban_clock.sweep(at(6, 3))  # a new installation: the next digest is due
    close(duban_clock, done.id, at(6, 6, 15))
    close(duban_clock, sunday.id, at(6, 9, 23, 30))  # still the week of 3–9 June locally
    close(duban_clock, monday.id, at(6, 10, 0, 30))  # Sunday in UTC, next week locally
    await duban_clock.sweep(at(6, 11, 10))  # Monday 10th is a holiday: the digest waits
    digest = await leader.expect("督办周报")
    assert "本周销号：2 项" in digest.text

    await leader.tap("📄 完整周报", wait_answer=False)
    await leader.tap("📄 完整周报", wait_answer=False)
    await leader.expect("正在生成督办周报（2024-06-03 至 2024-06-09）")
    await leader.expect("督办周报（2024-06-03 至 2024-06-09）已生成", within=WAIT)
    sent = await leader.expect("总体销号率", within=WAIT)
    assert "本周销号：2 项" in sent.text and "新增逾期：1 项" in sent.text
    assert "总体销号率：75.0%（3/4）" in sent.text
    await duban_clock.settle(WAIT)
    documents = [m.document for m in leader.bot_messages if m.document]
    assert len(documents) == 1  # the second tap built nothing
    assert documents[0]["file_name"] == "督办周报_2024-06-03至2024-06-09.xlsx"

    book = openpyxl.load_workbook(io.BytesIO(leader.download(documents[0]["file_id"])))
    assert book.sheetnames == ["概况", "本周销号", "新增逾期", "红色事项", "单位排名"]
    summary = book["概况"]
    assert (
        summary["A1"].value == "科技创新督办周报（2024-06-03 至 2024-06-09）"
    )  # the programme (issue 15)
    figures = {row[0].value: row[1].value for row in summary.iter_rows(min_row=3) if row[0].value}
    assert figures["本周销号（项）"] == 2
    assert figures["新增逾期（项）"] == 1
    assert figures["总体销号率"] == 0.75

    closed = book["本周销号"]
    assert [c.value for c in closed[2]] == [
        "督办编号",
        "问题",
        "承办单位",
        "办理时限",
        "状态",
        "销号日期",
    ]
    assert closed.freeze_panes == "A3"
    assert column(closed, "A") == [done.code, sunday.code]
    assert closed["C3"].value == "科技局" and closed["E3"].value == "已销号"
    assert closed["F4"].value.date() == date(2024, 6, 9)

    overdue = book["新增逾期"]
    assert column(overdue, "A") == [late.code]
    assert overdue["B3"].value == "双创载体考核"
    assert overdue["D3"].value.date() == date(2024, 6, 5)
    assert overdue["F2"].value == "逾期天数" and overdue["F3"].value == 6
    assert book["红色事项"]["A3"].value == "（无）"

    units = book["单位排名"]
    assert column(units, "B") == ["科技局", "人社局", "工信局"]  # as in the 通报
    assert units["E3"].value == 1.0 and units["F5"].value == 1

    db = duban_clock.db()
    try:
        jobs = db.execute("SELECT count(*) FROM report_jobs WHERE kind = 'weekly'").fetchone()
    finally:
        db.close()
    assert jobs[0] == 1
