"""The office's queue of what inspectors created, item cards, visit lists, and the odd
things people send."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.lifecycle import Role
from sandbox.phones import Phone
from tests.harness import Duban, answered

pytestmark = pytest.mark.both_platforms


async def _visit(phone, words: str, label: str) -> None:
    await phone.send(f"/visit {words}")
    await phone.expect("匹配的企业")
    await phone.tap(label)
    await phone.expect("走访中")


async def test_queue_completes_merges_and_rejects(duban: Duban) -> None:
    """Admins complete an inspector's new item (unit, typed deadline), merge another into an
    existing item with its findings, and merge an on-the-spot company into the ledger's."""
    existing = duban.seed_item("研发投入不足", company="卓远半导体", town="高新区", unit="科技局")
    duban.seed_company("霖鼎光学", "高新区")
    admin = duban.admin()
    wang = await duban.register(6401, "王督查", Role.INSPECTOR)

    await _visit(wang, "卓远", "卓远半导体（高新区）")
    await wang.send("企业想申请省级工程中心")
    await wang.expect("发现 1")
    await wang.tap("新问题")
    await wang.expect("办理时限")
    await wang.tap("暂不设定，由办公室定")
    await wang.expect("已新建事项")
    await wang.send("研发费用台账不全")
    await wang.expect("发现 2")
    await wang.tap("新问题")
    await wang.expect("办理时限")
    await wang.send("2027年3月31日")  # a typed date, read like the sheet's 办理时限
    await wang.expect("已新建事项")
    await wang.send("/done")
    await wang.expect("走访结束")

    await wang.send("/visit 霖鼎科")
    await wang.expect("没有与「霖鼎科」匹配")
    await wang.tap("新增企业「霖鼎科」")
    await wang.expect("位于哪个镇区")
    await wang.tap("高新区")
    await wang.expect("霖鼎科")
    await wang.send("/done")

    await admin.send("/queue")
    await admin.expect("事项 2 项，企业 1 家")
    first, second = "2026-002", "2026-003"
    await admin.tap(first)
    await admin.expect("督查新建")
    await admin.tap("补全")
    await admin.expect("牵头单位")
    await admin.tap("科技局")
    await admin.expect("请输入办理时限")
    await admin.send("2026年12月31日")
    await admin.expect(f"{first} 已完善：牵头单位 科技局，时限 2026-12-31")

    await admin.send("/queue")
    await admin.expect("事项 1 项，企业 1 家")
    await admin.tap(second)
    await admin.expect("督查新建")
    await admin.tap("合并到已有")
    await admin.expect("合并到哪个事项")
    await admin.tap(existing.code)
    await admin.expect(f"{second} 已合并到 {existing.code}，1 条发现随之转入")

    await admin.send("/queue")
    await admin.expect("事项 0 项，企业 1 家")
    await admin.tap("霖鼎科")
    await admin.expect("现场新增")
    await admin.tap("合并到已有")
    await admin.expect("合并到哪家企业")
    await admin.tap("霖鼎光学")
    await admin.expect("已合并到「霖鼎光学」")
    await admin.send("/queue")
    await admin.expect("没有待完善")

    db = duban.db()
    try:
        done = db.execute(
            "SELECT u.name, i.deadline, i.needs_review FROM items i JOIN units u "
            "ON u.id = i.unit_id WHERE code = ?",
            [first],
        ).fetchone()
        assert done == ("科技局", "2026-12-31", 0)
        merged = db.execute(
            "SELECT status, merged_into, review_outcome FROM items WHERE code = ?", [second]
        ).fetchone()
        assert merged == ("closed", existing.id, "merged")
        typed = db.execute("SELECT deadline FROM items WHERE code = ?", [second]).fetchone()
        assert typed[0] == "2027-03-31"
        texts = [
            r[0] for r in db.execute("SELECT text FROM findings WHERE item_id = ?", [existing.id])
        ]
        assert texts == ["研发费用台账不全"]
        company = db.execute(
            "SELECT c.name FROM visits v JOIN companies c ON c.id = v.company_id ORDER BY v.id DESC"
        ).fetchone()[0]
        assert company == "霖鼎光学"
        actions = {r[0] for r in db.execute("SELECT action FROM audit_events")}
        assert {"review_completed", "merged_into", "merged_from"} <= actions
    finally:
        db.close()


async def test_item_card_add_evidence_and_visit_list(duban: Duban) -> None:
    """Outside a visit an inspector looks an item up, adds a photo to it from the card, and
    lists their visits."""
    item = duban.seed_item("孵化器建设进度慢", company="海泰科特", town="下原镇", unit="科技局")
    wang = await duban.register(6411, "王督查", Role.INSPECTOR)
    await _visit(wang, "海泰", "海泰科特（下原镇）")
    await wang.send("孵化器二期还没开工")
    await wang.expect("发现 1")
    await wang.tap(item.code)
    await wang.expect("已关联")
    await wang.send("/done")
    await wang.expect("走访结束")

    await wang.send("/item 孵化器")
    card = await wang.expect(item.code)
    assert "孵化器二期还没开工" in card.text and "推进中" in card.text
    await wang.tap("补充材料")
    await wang.expect("请发送要补充到")
    await wang.send_photo()
    confirmation = await wang.expect("照片 1 张")
    assert f"已关联：{item.code}" in confirmation.text
    await wang.send(f"/item {item.code}")
    card = await wang.expect("照片 1 张 · 其他材料 0 份")

    await wang.send("/visits")
    listing = await wang.expect("最近的走访")
    assert "海泰科特 · 发现 1 条" in listing.text


async def test_odd_inputs_get_a_sensible_answer_or_silence(duban: Duban) -> None:
    """Stickers, GIFs, contacts, polls, edits, forwards, stray photos and locations (on
    DingTalk, a chat record), a very long text, an expired button and a double tap: never a
    traceback, never half a finding."""
    item = duban.seed_item("专利质押融资未落地", company="力沛阀门", town="磨头镇")
    wang = await duban.register(6421, "王督查", Role.INSPECTOR)

    await wang.send_photo()
    await wang.expect("没有进行中的走访")
    if duban.platform == "dingtalk":
        # DingTalk sends no locations, stickers, GIFs, contacts, polls or edits; what it has
        # that the bot does not take is a forwarded chat record.
        record = {"msgtype": "chatRecord", "content": {}}
        await duban.standin.push_robot_message(wang.staff_id, record)
        await wang.expect("暂不处理这类消息")
        await _visit(wang, "力沛", "力沛阀门（磨头镇）")
    else:
        await _telegrams_odd_kinds(duban, wang)

    long_text = "设备" * 2000
    await wang.send(long_text)
    confirmation = await wang.expect("发现 1")
    assert len(confirmation.text) < 4096

    # A double tap ties once.
    await wang.tap(item.code, wait_answer=False)
    await wang.tap(item.code)
    await wang.expect(f"已关联：{item.code}")
    await duban.settle()

    # A button from last month: expired, answered politely.
    db = duban.db()
    try:
        past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
        db.execute("UPDATE buttons SET expires_at = ?", [past])
    finally:
        db.close()
    answer = await wang.tap("撤回")
    await answered(wang, answer, "已失效")

    await asyncio.sleep(0.2)
    db = duban.db()
    try:
        findings = db.execute("SELECT text, item_id, withdrawn FROM findings").fetchall()
        assert findings == [(long_text, item.id, 0)]
        ties = db.execute(
            "SELECT count(*) FROM audit_events WHERE entity = 'finding' AND action = 'tied'"
        ).fetchone()[0]
        assert ties == 1
        unplaced = db.execute("SELECT count(*) FROM evidence WHERE finding_id IS NULL")
        assert unplaced.fetchone()[0] == 1
        failed = db.execute("SELECT count(*) FROM inbox WHERE status != 'done'").fetchone()[0]
        assert failed == 0
    finally:
        db.close()


async def _telegrams_odd_kinds(duban: Duban, wang: Phone) -> None:
    """What a Telegram phone can send that is no finding: a stray location, a sticker, a
    GIF, a contact; then, on a visit, a poll, a forward and an edit."""
    me = {"id": wang.user_id}
    await wang.send_location(32.0, 120.0)
    await wang.expect("位置未记录")

    duban.send_raw(wang, {"sticker": {"file_id": "CAACsticker", "file_unique_id": "AgADst",
                   "type": "regular", "width": 512, "height": 512, "is_animated": False,
                   "is_video": False}})  # fmt: skip
    await wang.expect("暂不处理这类消息")
    gif = {"file_id": "CgACgif", "file_unique_id": "AgADgif", "width": 320, "height": 240,
           "duration": 2, "mime_type": "video/mp4", "file_name": "a.mp4"}  # fmt: skip
    duban.send_raw(wang, {"animation": gif, "document": gif})
    await wang.expect("暂不处理这类消息")
    duban.send_raw(wang, {"contact": {"phone_number": "+8613800000000", "first_name": "张"}})
    await wang.expect("暂不处理这类消息")
    await _visit(wang, "力沛", "力沛阀门（磨头镇）")
    duban.send_raw(wang, {"poll": {"id": "1", "question": "?", "options": [
        {"persistent_id": "1", "text": "a", "voter_count": 0},
        {"persistent_id": "2", "text": "b", "voter_count": 0}],
        "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
        "allows_multiple_answers": False, "allows_revoting": False,
        "members_only": False}})  # fmt: skip
    await wang.expect("暂不处理这类消息")
    duban.send_raw(
        wang,
        {"text": "转来的通知", "forward_origin": {"type": "user", "sender_user": me | {
            "is_bot": False, "first_name": "某人"}, "date": 1700000000}},
    )  # fmt: skip
    await wang.expect("转发的消息不作为现场记录")
    duban.send_raw(
        wang, {"text": "改过的字", "edit_date": int(datetime.now(UTC).timestamp())},
        kind="edited_message",
    )  # fmt: skip
    await wang.expect_silence(0.5)
