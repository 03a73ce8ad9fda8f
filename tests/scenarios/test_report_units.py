"""/report by unit: leaders and admins pick a responsible unit by button, page by page."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.lifecycle import Role
from tests.harness import Duban, admin_speaking
from tests.report_seed import seed

pytestmark = pytest.mark.both_platforms

WAIT = 20.0  # a job is picked up within a second; charts take a moment on a slow machine
NOT_YOUR_UNIT = "您只能查看本单位的数据"
# Thirteen units with one open item each: more than the ten a page shows.
MANY_UNITS = (
    "科技局", "工信局", "发改委", "财政局", "人社局", "市场监管局", "高新区管委会", "商务局",
    "磨头镇", "吴窑镇", "下原镇", "石庄镇", "如城街道",
)  # fmt: skip


async def _seeded(duban: Duban) -> dict:
    db = duban.db()
    try:
        return seed(db, datetime.now(UTC)).codes
    finally:
        db.close()


def _report_jobs(duban: Duban) -> list[tuple[str, dict]]:
    db = duban.db()
    try:
        rows = db.execute("SELECT kind, params FROM report_jobs ORDER BY id").fetchall()
    finally:
        db.close()
    return [(kind, json.loads(params)) for kind, params in rows]


async def test_admin_picks_a_unit_by_button_and_gets_its_report(duban: Duban) -> None:
    """An admin chooses 按单位, then 科技局, and gets that unit's summary and charts, the
    same report as typing /report 科技局."""
    await _seeded(duban)
    admin = duban.admin()
    await admin.send("/report")
    await admin.expect("督办报表")
    await admin.tap("按单位")
    listing = await admin.expect("选择承办单位")
    units = [label for label in listing.buttons if label != "全部"]
    # Lead units with items, by name; 人社局 is only a co-unit, so a report on it is empty.
    assert units == sorted(["科技局", "工信局", "财政局"])
    assert "下一页" not in " ".join(listing.buttons)
    await admin.tap("科技局")
    menu = await admin.expect("单位：科技局")
    assert "按单位：科技局 ▾" in menu.buttons
    await admin.tap("📊 生成报表")
    await admin.expect("正在生成报表")
    summary = await admin.expect("事项 2 项，已销号 1 项", within=WAIT)
    assert "单位：科技局" in summary.text
    await duban.settle(WAIT)
    photos = [m for m in admin.bot_messages if m.photo]
    assert len(photos) >= 5  # close-out, overdue, areas, towns, trend (+ targets)
    if duban.platform == "telegram":  # DingTalk has no albums: the pictures come one by one
        assert len({p["media_group_id"] for p in photos}) == 1
    typed = {"period": "quarter", "area": None, "town": None, "unit": "科技局"}
    assert _report_jobs(duban) == [("report", typed)]


async def test_unit_list_pages_with_previous_and_next(duban: Duban) -> None:
    """With more units than fit on a page, 下一页 and 上一页 turn the pages, and a unit on
    the second page can be chosen; a unit with nothing in the period is not listed."""
    for unit in MANY_UNITS:
        duban.seed_item(f"{unit}：孵化器建设进度慢", unit=unit)
    old = duban.seed_item("教育局：旧问题，早已销号", unit="教育局")
    db = duban.db()
    try:
        long_ago = datetime.now(UTC) - timedelta(days=400)
        db.execute(
            "UPDATE items SET created_at = ?, status = 'closed', closed_at = ? WHERE id = ?",
            [(long_ago - timedelta(days=30)).isoformat(), long_ago.isoformat(), old.id],
        )
    finally:
        db.close()
    leader = await duban.register(6201, "周主任", Role.LEADER)
    await leader.send("/report")
    await leader.expect("督办报表")
    await leader.tap("按单位")
    first = await leader.expect("第 1/2 页")
    names = sorted(MANY_UNITS)
    assert [b for b in first.buttons if b in MANY_UNITS] == names[:10]
    assert "下一页 ➡️" in first.buttons and "⬅️ 上一页" not in first.buttons
    assert "教育局" not in first.buttons  # closed before this quarter began
    await leader.tap("下一页")
    second = await leader.expect("第 2/2 页")
    assert [b for b in second.buttons if b in MANY_UNITS] == names[10:]
    assert "⬅️ 上一页" in second.buttons and "下一页 ➡️" not in second.buttons
    await leader.tap("上一页")
    again = await leader.expect("第 1/2 页")
    assert [b for b in again.buttons if b in MANY_UNITS] == names[:10]
    await leader.tap("下一页")
    await leader.expect("第 2/2 页")
    await leader.tap(names[-1])
    await leader.expect(f"单位：{names[-1]}")


async def test_contact_pressing_a_forged_unit_button_is_refused(duban: Duban) -> None:
    """A contact sees no 按单位 button, and forged buttons for another unit (choose it, list
    the units, build its report) are each refused politely, with no report built."""
    await _seeded(duban)
    contact = await duban.register(6202, "钱联络", Role.CONTACT, unit="工信局")
    await contact.send("/report")
    menu = await contact.expect("督办报表")
    assert not [label for label in menu.buttons if "按单位" in label]
    contact_id = duban.person_id(6202)
    state = {"period": "quarter", "area": None, "town": None, "unit": None}
    other = state | {"unit": "科技局"}
    forged = [
        duban.make_button(contact_id, "report.choose", other),
        duban.make_button(contact_id, "report.units", {"state": state, "page": 0}),
        duban.make_button(contact_id, "report.go", other),
    ]
    for data in forged:
        inbox = duban.table_counts()["inbox"]
        await duban.forge_tap(contact, data)
        await duban.received(inbox + 1)
        refusal = await contact.expect(NOT_YOUR_UNIT)
        assert "科技局" not in refusal.text and not refusal.buttons
    await duban.settle()
    assert _report_jobs(duban) == []
    assert not [m for m in contact.bot_messages if m.photo]
    assert not [m for m in contact.bot_messages if "科技局" in m.text]


@pytest.mark.parametrize("language", ["en"])
async def test_unit_choice_in_english(duban: Duban, language: str) -> None:
    """The unit option and its list speak English to an English-speaking admin."""
    await _seeded(duban)
    admin = await admin_speaking(duban, language)
    await admin.send("/report")
    await admin.expect("Period")
    await admin.tap("By unit: All ▾")
    listing = await admin.expect("Choose a responsible unit")
    assert "Units with items under these options, by name." in listing.text
    await admin.tap("工信局")
    await admin.expect("Unit: 工信局")
