"""Reports for leaders and the office, as people meet them on their phones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.lifecycle import Role
from tests.harness import (
    Duban,
    admin_speaking,
    export_menu_for_town,
    last_document,
    last_workbook,
)
from tests.report_seed import seed

pytestmark = pytest.mark.both_platforms

WAIT = 20.0  # a job is picked up within a second; charts take a moment on a slow machine


async def _seeded(duban: Duban) -> dict:
    db = duban.db()
    try:
        return seed(db, datetime.now(UTC)).codes
    finally:
        db.close()


def _album(phone) -> list:
    photos = [m for m in phone.bot_messages if m.photo]
    return photos


async def test_admin_gets_summary_and_charts_as_one_album(duban: Duban) -> None:
    """An admin picks a period and gets the summary text and the charts as pictures."""
    await _seeded(duban)
    admin = duban.admin()
    await admin.send("/report")
    await admin.expect("督办报表")
    await admin.tap("本年")
    await admin.expect("期间：本年")
    await admin.tap("📊 生成报表")
    await admin.expect("正在生成报表")
    summary = await admin.expect("事项 6 项，已销号 2 项", within=WAIT)
    assert "逾期 3 项" in summary.text
    await duban.settle(WAIT)
    photos = _album(admin)
    assert len(photos) >= 5  # close-out, overdue, areas, towns, trend (+ targets)
    if duban.platform == "telegram":  # DingTalk has no albums and no "sending a photo…"
        assert len({p["media_group_id"] for p in photos}) == 1
        # While it was built the chat showed "sending a photo…" (a neutral ChatAction).
        shown = duban.sandbox.state.calls_to("sendChatAction")
        assert shown and {call["params"]["action"] for call in shown} == {"upload_photo"}


async def test_leader_filters_by_town(duban: Duban) -> None:
    """A leader narrows the report to one town with the town buttons."""
    await _seeded(duban)
    leader = await duban.register(6101, "周主任", Role.LEADER)
    await leader.send("/report")
    await leader.expect("督办报表")
    await leader.tap("镇区：全部 ▾")
    await leader.expect("选择镇区")
    await leader.tap("磨头镇")
    await leader.expect("镇区：磨头镇")
    await leader.tap("📊 生成报表")
    summary = await leader.expect("事项 2 项", within=WAIT)
    assert "镇区：磨头镇" in summary.text


async def test_contact_sees_own_unit_and_is_refused_another(duban: Duban) -> None:
    """A contact's report covers their unit; asking for another unit's is refused."""
    await _seeded(duban)
    contact = await duban.register(6102, "钱联络", Role.CONTACT, unit="工信局")
    await contact.send("/report 科技局")
    await contact.expect("您只能查看本单位的数据")
    await contact.send("/report")
    await contact.expect("督办报表")
    await contact.tap("📊 生成报表")
    summary = await contact.expect("本单位：工信局", within=WAIT)
    assert "事项 2 项，已销号 1 项" in summary.text
    assert "通报" not in " ".join(b for m in contact.bot_messages for b in m.buttons)


async def test_inspector_report_covers_own_work(duban: Duban) -> None:
    """An inspector's report counts only the items they are assigned to."""
    codes = await _seeded(duban)
    inspector = await duban.register(6103, "王督查", Role.INSPECTOR)
    person = duban.person_id(6103)
    db = duban.db()
    try:
        item = db.execute("SELECT id FROM items WHERE code = ?", [codes["valve"]]).fetchone()[0]
        db.execute(
            "INSERT INTO item_inspectors (item_id, person_id, assigned_by, assigned_at) "
            "VALUES (?, ?, 'office', '2024-01-01T00:00:00+00:00')",
            [item, person],
        )
    finally:
        db.close()
    await inspector.send("/report")
    await inspector.expect("督办报表")
    await inspector.tap("📊 生成报表")
    summary = await inspector.expect("我督办的事项和走访", within=WAIT)
    assert "事项 1 项，已销号 0 项" in summary.text


async def test_export_of_one_town_opens_cell_by_cell(duban: Duban) -> None:
    """A leader exports one town's items; the workbook has those items and their history."""
    codes = await _seeded(duban)
    leader = await duban.register(6104, "孙主任", Role.LEADER)
    await export_menu_for_town(leader, "吴窑镇")
    await leader.tap("📗 Excel 表格")
    await leader.expect("已导出 2 项（吴窑镇）", within=WAIT)
    await duban.settle(WAIT)
    assert last_document(leader)["file_name"].endswith(".xlsx")
    book = last_workbook(leader)
    items = book["全部事项"]
    assert items["A2"].value == "督办编号"
    rows = list(items.iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in rows] == sorted([codes["valve"], codes["machine"]])
    by_code = {row[0]: row for row in rows}
    headers = [cell.value for cell in items[2]]
    valve = dict(zip(headers, by_code[codes["valve"]], strict=True))
    assert valve["承办单位"] == "工信局"
    assert valve["镇区"] == "吴窑镇"
    assert valve["企业"] == "力沛阀门"
    assert valve["状态"] == "待办理"
    history = book["事项历史"]
    assert [c.value for c in history[1]] == ["督办编号", "时间", "操作人", "事件", "内容"]
    logged = {row[0] for row in history.iter_rows(min_row=2, values_only=True)}
    assert logged == {codes["valve"], codes["machine"]}


async def test_contact_may_not_export(duban: Duban) -> None:
    """The whole ledger is for the office and leaders: a contact is refused politely."""
    contact = await duban.register(6105, "李联络", Role.CONTACT, unit="科技局")
    await contact.send("/export")
    await contact.expect("您没有权限获取这份材料")


@pytest.mark.parametrize("language", ["en"])
async def test_report_in_english(duban: Duban, language: str) -> None:
    """The report speaks the reader's language, buttons and summary alike."""
    await _seeded(duban)
    admin = await admin_speaking(duban, language)
    await admin.send("/report")
    await admin.expect("Period")
    await admin.tap("📊 Build report")
    await admin.expect("6 items, 2 closed", within=WAIT)
