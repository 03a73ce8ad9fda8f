"""Unannounced visits (四不两直) as an inspector lives them: pick, record, tie, finish."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.lifecycle import Role
from tests.harness import Duban

pytestmark = pytest.mark.both_platforms


def _today() -> datetime:
    return datetime.now(UTC)


async def _ledger(duban: Duban) -> tuple:
    """Two companies' items: 卓远半导体 has an overdue and an upcoming item."""
    today = _today().date()
    overdue = duban.seed_item(
        "研发投入不足，研发费用占比低于3%",
        company="卓远半导体",
        town="高新区",
        unit="科技局",
        deadline=today - timedelta(days=12),
    )
    upcoming = duban.seed_item(
        "厂房扩建审批进度慢",
        company="卓远半导体",
        town="高新区",
        unit="工信局",
        deadline=today + timedelta(days=20),
    )
    other = duban.seed_item(
        "高企申报材料不全", company="力威机械", town="磨头镇", unit="科技局",
        deadline=today + timedelta(days=5),
    )  # fmt: skip
    return overdue, upcoming, other


async def test_complete_visit_with_album_location_files_and_new_item(duban: Duban) -> None:
    """Texts, a 5-photo album, a location, a document and a video are recorded, tied to two
    existing items and one new one, and the summary reaches inspector, admins and contacts."""
    overdue, upcoming, _ = await _ledger(duban)
    admin = duban.admin()
    await admin.send("/help")
    await admin.expect("可用命令")
    contact = await duban.register(6102, "赵联络", Role.CONTACT, unit="科技局")
    inspector = await duban.register(6101, "王督查", Role.INSPECTOR)

    await inspector.send("/visit")
    await inspector.expect("选择企业")
    await inspector.send("卓远")
    await inspector.expect("匹配的企业")
    await inspector.tap("卓远半导体（高新区）")
    card = await inspector.expect("走访中")
    assert card.text.index(overdue.code) < card.text.index(upcoming.code)  # overdue first
    assert "🟡" in card.text or "🔴" in card.text
    # The card invites a location only where one can be sent (a DingTalk robot gets none).
    assert ("语音或位置" in card.text) == (duban.platform == "telegram")
    if duban.platform == "dingtalk":  # a DingTalk robot receives no location: a tap says so
        await inspector.expect("钉钉机器人收不到位置")
        await inspector.tap("✅ 已到现场")
        await inspector.expect("已登记到场（卓远半导体）")
    else:
        await inspector.expect("发送当前位置")
        assert inspector.reply_keyboard == [["📍 发送位置"]]
        await inspector.send_location(32.39, 120.57)
        await inspector.expect("已记录到场位置")

    # A text, then an album of it, then one tap ties all of it to the overdue item.
    await inspector.send("企业反映研发费用加计扣除政策不清楚")
    await inspector.send_album([None] * 5)
    await inspector.expect("照片 5 张")
    await inspector.tap(overdue.code)
    await inspector.expect(f"已关联：{overdue.code}")

    # A second finding with a document and a video, tied to the other item.
    await inspector.send("扩建用地手续卡在规划环节")
    await inspector.send_document(b"%PDF-1.4 report", "规划意见.pdf", "application/pdf")
    await inspector.send_video()
    confirmation = await inspector.expect("视频 1 段")
    assert "文件 1 份" in confirmation.text
    await inspector.tap(upcoming.code)
    await inspector.expect(f"已关联：{upcoming.code}")

    # A third finding becomes a new item with a quick deadline.
    await inspector.send("企业希望对接南京高校的材料实验室")
    await inspector.expect("发现 3")
    await inspector.tap("新问题")
    await inspector.expect("办理时限")
    await inspector.tap("一周内")
    created = await inspector.expect("已新建事项")

    await inspector.send("/done")
    summary = await inspector.expect("走访结束：卓远半导体")
    assert "发现 3 条" in summary.text and "照片 5 张" in summary.text
    assert "其他材料 2 份" in summary.text
    if duban.platform == "dingtalk":  # no location: the confirmed arrival's time instead
        assert "位置：钉钉未提供 · 确认到场" in summary.text
    else:
        assert "位置：企业暂无坐标，未核对距离" in summary.text
    assert inspector.reply_keyboard is None
    await admin.expect("走访结束：卓远半导体")
    notice = await contact.expect("贵单位牵头")
    assert overdue.code in notice.text and upcoming.code not in notice.text

    db = duban.db()
    try:
        findings = list(db["findings"].rows)
        assert len(findings) == 3
        kinds = sorted(row["kind"] for row in db["evidence"].rows)
        assert kinds == ["document"] + ["photo"] * 5 + ["video"]
        assert {row["item_id"] for row in db["evidence"].rows} == {overdue.id, upcoming.id}
        statuses = dict(db.execute("SELECT code, status FROM items").fetchall())
        assert statuses[overdue.code] == statuses[upcoming.code] == "in_progress"
        new = db.execute("SELECT code, needs_review, deadline FROM items WHERE needs_review = 1")
        rows = new.fetchall()
        assert len(rows) == 1 and rows[0][0] in created.text
        visit = db.execute(
            "SELECT latitude, located_at, confirmed_at, end_reason FROM visits"
        ).fetchone()
        if duban.platform == "dingtalk":  # the arrival is the tap's time, with no place
            assert visit[0] is None and visit[2] and visit[3] == "done"
        else:
            assert visit[0] == 32.39 and visit[1] and visit[3] == "done"
        # Tying findings makes the inspector involved in three items, assigned to none.
        involved = db.execute("SELECT count(*) FROM item_involvement").fetchone()[0]
        assigned = db.execute("SELECT count(*) FROM item_inspectors").fetchone()[0]
        assert (involved, assigned) == (3, 0)
    finally:
        db.close()


async def test_visit_in_english(duban: Duban) -> None:
    """An English-speaking inspector gets the whole visit in English."""
    await _ledger(duban)
    inspector = await duban.register(6111, "Inspector Wang", Role.INSPECTOR, language="en")
    await inspector.send("/visit")
    await inspector.expect("Choose the company")
    await inspector.tap("By town")
    await inspector.expect("Choose the town")
    await inspector.tap("高新区")
    await inspector.expect("Companies in 高新区")
    await inspector.tap("卓远半导体")
    await inspector.expect("visit open since")
    await inspector.send("The workshop lacks ventilation")
    await inspector.expect("Which item is this about?")
    await inspector.tap("Later")
    await inspector.expect("not tied for now")
    await inspector.send("/done")
    summary = await inspector.expect("Visit finished: 卓远半导体")
    assert "Findings: 1" in summary.text and "not tied to an item: 1" in summary.text
