"""What contacts do about their items, and what the office and leaders decide: progress,
close-out and its verification, extensions, escalation, look-back, rolling, the digest."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.audit import Origin
from bot.domain.lifecycle import Event, Role
from storage import ledger, people
from tests.harness import ADMIN_ID, Duban, at, expect_document, office, open_card

pytestmark = pytest.mark.both_platforms

UNIT = "科技局"


async def test_progress_with_a_figure_toward_the_target(duban_clock: Duban) -> None:
    """A contact reports progress from /mine: a note, a photo and "98" toward 142; the
    report is stored with its evidence and the item is in progress."""
    phone = await duban_clock.register(7101, "赵联络", Role.CONTACT, unit=UNIT)
    item = duban_clock.seed_task(
        "高新技术企业净增", UNIT, date(2024, 12, 31), target="净增142家", target_number=142
    )
    await phone.send("/mine")
    await phone.expect("科技局的督办事项（1）")
    await phone.tap(item.code)
    await phone.expect("高新技术企业净增")
    await phone.tap("📝 报告进展")
    await phone.expect("目标 142")
    await phone.send("已新增认定 98 家")
    await phone.expect("文字 1 段")
    await phone.send_photo(caption="认定名单")
    await phone.expect("文件 1 个")
    await phone.send("98")
    await phone.expect("完成数 98")
    await phone.tap("提交")
    await phone.expect("进展已记录（附件 1 个）")
    db = duban_clock.db()
    try:
        report = db.execute("SELECT id, text, figure FROM progress_reports").fetchone()
        # DingTalk has no captions: text sent with a picture (rich text) is the report's.
        said = "已新增认定 98 家" + ("\n认定名单" if duban_clock.platform == "dingtalk" else "")
        assert report[1:] == (said, 98.0)
        files = db.execute("SELECT progress_id, kind FROM evidence").fetchall()
        assert files == [(report[0], "photo")]
        assert ledger.get_item(db, item.id).status.value == "in_progress"
    finally:
        db.close()
    await phone.tap("提交")
    await phone.expect("没有待提交的内容")


async def test_close_out_is_returned_then_approved(duban_clock: Duban) -> None:
    """A close-out request reaches the item's inspector and the office with its photo; a
    return with a reason goes back to the contact, who acknowledges; the next request is
    approved and the contact told. Nobody of the unit is asked to verify."""
    admin = await office(duban_clock)
    phone = await duban_clock.register(7102, "赵联络", Role.CONTACT, unit=UNIT)
    colleague = await duban_clock.register(7103, "孙联络", Role.CONTACT, unit=UNIT)
    inspector = await duban_clock.register(7104, "王督查", Role.INSPECTOR)
    item = duban_clock.seed_task(
        "孵化器入驻率不足", UNIT, date(2024, 6, 28), inspectors=(duban_clock.person_id(7104),)
    )
    await open_card(phone, item.code)
    await phone.tap("✅ 申请销号")
    await phone.expect("申请")
    await phone.tap("提交")
    await phone.expect("需要附上佐证材料")
    await phone.send("入驻率已达 85%")
    await phone.send_photo()
    await phone.expect("文件 1 个")
    await phone.tap("提交")
    await phone.expect("已送 2 位核验人员审核")
    card = await inspector.expect("销号核验")
    assert card.buttons == ["✅ 销号", "↩️ 退办"]
    assert any(m.photo for m in inspector.bot_messages)
    await admin.expect("销号核验")
    await colleague.expect_silence(0.2)
    assert not any("销号核验" in m.text for m in colleague.bot_messages)

    _, kept = admin.find_button("✅ 销号")  # the card loses it once the request is decided
    await inspector.tap("↩️ 退办")
    await inspector.expect("请输入退办")
    await inspector.send("入驻企业名单缺少合同")
    await inspector.expect("已退回承办单位")
    notice = await phone.expect("被退回")
    assert "入驻企业名单缺少合同" in notice.text
    await phone.tap("签收")
    await phone.expect("已签收 1 项")
    await duban_clock.forge_tap(admin, kept)
    await admin.expect("已经处理过了")

    await open_card(phone, item.code)
    await phone.tap("✅ 申请销号")
    await phone.send("补充了入驻合同")
    await phone.tap("提交")
    await phone.expect("销号申请已提交")
    await admin.expect("补充了入驻合同")
    await admin.tap("✅ 销号")
    await admin.expect(f"{item.code} 已销号")
    await phone.expect("已通过核验并销号")
    await colleague.expect("已通过核验并销号")


async def test_extension_approved_moves_the_ladder_and_refusal_keeps_it(
    duban_clock: Duban,
) -> None:
    """An approved extension gives a new deadline the reminders follow; a refused one
    leaves the deadline as it was; the contact is told both."""
    admin = await office(duban_clock)
    phone = await duban_clock.register(7105, "赵联络", Role.CONTACT, unit=UNIT)
    item = duban_clock.seed_task("研发投入占比偏低", UNIT, date(2024, 6, 14))
    await duban_clock.sweep(at(6, 3))
    await phone.expect("新交办")
    await duban_clock.travel(at(6, 4, 10))
    await open_card(phone, item.code)
    await phone.tap("⏳ 申请延期")
    await phone.expect("请输入新的完成日期")
    await phone.send("下个月吧")
    await phone.expect("无法识别这个日期")
    await phone.send("2024-06-28")
    await phone.expect("请说明延期理由")
    await phone.send("等待省级认定结果")
    await phone.expect("等待办公室审批")
    await admin.expect("延期申请")
    await admin.tap("同意")
    await admin.expect("已同意")
    await phone.expect("新时限 2024-06-28")
    db = duban_clock.db()
    try:
        assert ledger.get_item(db, item.id).deadline == date(2024, 6, 28)
        assert ledger.deadline_history(db, item.id)[0]["deadline"] == "2024-06-14"
    finally:
        db.close()
    await duban_clock.sweep(at(6, 11))  # the old D-3
    await phone.expect_silence(0.3)
    await duban_clock.sweep(at(6, 25))  # the new D-3
    await phone.expect("还有 3 天到期（2024-06-28）")

    await open_card(phone, item.code)
    await phone.tap("⏳ 申请延期")
    await phone.send("9月30日")
    await phone.send("再缓一缓")
    await admin.expect("再缓一缓")
    await admin.tap("不同意")
    await phone.expect("未获同意")


async def test_red_item_is_escalated_and_leaders_told(duban_clock: Duban) -> None:
    """With red after 2 days overdue (set in /settings), the item turning red is announced
    to leaders and the office with its history; the office makes another red by hand, with
    a reason, and marks a joint meeting, and leaders are told."""
    admin = await office(duban_clock)
    leader = await duban_clock.register(7106, "李主任", Role.LEADER)
    phone = await duban_clock.register(7107, "赵联络", Role.CONTACT, unit=UNIT)
    item = duban_clock.seed_task("新型研发机构建设滞后", UNIT, date(2024, 6, 4))
    other = duban_clock.seed_task("科技金融产品少", UNIT, date(2024, 9, 30))
    await admin.send("/settings")
    await admin.expect("提醒规则")
    await admin.tap("逾期多少天转红色")
    await admin.expect("请输入新的值")
    await admin.send("两天")
    await admin.expect("无法保存「逾期多少天转红色」")
    await admin.send("2")
    await admin.expect("已改为 2")
    await duban_clock.sweep(at(6, 3))
    await phone.expect("新交办")
    await duban_clock.sweep(at(6, 6))
    await phone.expect("已逾期 2 天")
    await leader.expect_silence(0.2)
    await duban_clock.sweep(at(6, 7))
    red = await leader.expect("红色督办")
    # Its recent history in /history's words (one assembler: bot/builders/timeline.py).
    assert item.code in red.text and "登记为督办事项" in red.text
    await admin.expect("红色督办")
    await duban_clock.sweep(at(6, 7, 10))
    assert sum("红色督办" in m.text for m in leader.bot_messages) == 1

    await open_card(admin, other.code)
    await admin.tap("🎚 调整督办等级")
    await admin.expect("请选择手动等级")
    await admin.tap("🔴 红色")
    await admin.expect("请输入理由")
    await admin.send("金融产品迟迟未推出")
    await admin.expect("已手动设为🔴 红色")
    await leader.expect("提级督办")
    await phone.expect("已被提级督办")
    await open_card(admin, other.code)
    await admin.tap("🗣 专题会商")
    await leader.expect("列入专题会商")


async def test_lookback_reopens_a_closed_item(duban_clock: Duban) -> None:
    """Ninety days after close-out the item's inspector is asked to look back; reopening
    with a finding puts it back in progress and tells the unit."""
    await office(duban_clock)
    phone = await duban_clock.register(7108, "赵联络", Role.CONTACT, unit=UNIT)
    inspector = await duban_clock.register(7109, "王督查", Role.INSPECTOR)
    item = duban_clock.seed_task(
        "专利侵权查处不力",
        "市场监管局",
        date(2024, 5, 31),
        inspectors=(duban_clock.person_id(7109),),
    )
    db = duban_clock.db()
    try:
        admin = people.by_id(db, duban_clock.person_id(ADMIN_ID))
        origin = Origin.cli(duban_clock.clock.now())
        ledger.apply_event(db, item.id, Event.REQUEST_CLOSE, admin.actor, origin, has_evidence=True)
        ledger.apply_event(db, item.id, Event.APPROVE_CLOSE, admin.actor, origin)
        db.execute("UPDATE items SET unit_id = (SELECT id FROM units WHERE name = ?)", [UNIT])
    finally:
        db.close()
    await duban_clock.sweep(at(6, 3))
    await duban_clock.sweep(at(8, 30))
    await inspector.expect_silence(0.2)
    await duban_clock.sweep(at(9, 2))  # 1 September is a Sunday
    await inspector.expect("回头看")
    _, kept = inspector.find_button("✅ 确认巩固")  # the task loses it once done
    await inspector.tap("↩️ 重新打开")
    await inspector.expect("请输入回头看发现的问题")
    await inspector.send("企业反映侵权仿冒再次出现")
    await inspector.expect("已重新打开")
    notice = await phone.expect("回头看发现问题")
    assert "侵权仿冒再次出现" in notice.text
    db = duban_clock.db()
    try:
        assert ledger.get_item(db, item.id).status.value == "in_progress"
        outcome = db.execute("SELECT outcome, finding FROM lookbacks").fetchone()
        assert outcome == ("reopened", "企业反映侵权仿冒再次出现")
    finally:
        db.close()
    await duban_clock.forge_tap(inspector, kept)
    await inspector.expect("已经处理过了")


async def test_new_period_rolls_unfinished_items_over(duban_clock: Duban) -> None:
    """/period starts a new period: unfinished items carry over with code and history,
    closed ones stay in the old period's figures."""
    admin = await office(duban_clock)
    open_item = duban_clock.seed_task("人才公寓建设", UNIT, date(2024, 11, 30))
    closed = duban_clock.seed_task("政策兑现", UNIT, date(2024, 5, 31))
    db = duban_clock.db()
    try:
        actor = people.by_id(db, duban_clock.person_id(ADMIN_ID)).actor
        origin = Origin.cli(duban_clock.clock.now())
        ledger.apply_event(db, closed.id, Event.REQUEST_CLOSE, actor, origin, has_evidence=True)
        ledger.apply_event(db, closed.id, Event.APPROVE_CLOSE, actor, origin)
    finally:
        db.close()
    await admin.send("/period")
    await admin.expect("用法")
    await admin.send("/period 2025年度")
    await admin.expect("1 项未办结事项已滚动转入")
    db = duban_clock.db()
    try:
        assert ledger.get_item(db, open_item.id).period == "2025年度"
        assert ledger.get_item(db, open_item.id).code == open_item.code
        assert ledger.get_item(db, closed.id).period == "2024年度"
        periods = db.execute(
            "SELECT count(*) FROM item_periods WHERE item_id = ?", [open_item.id]
        ).fetchone()
        assert periods[0] == 2
    finally:
        db.close()


async def test_contact_cannot_reach_another_units_item(duban_clock: Duban) -> None:
    """A contact can neither see nor act on another unit's item, by /item or by a forged
    button."""
    phone = await duban_clock.register(7110, "赵联络", Role.CONTACT, unit=UNIT)
    mine = duban_clock.seed_task("本单位事项", UNIT, date(2024, 7, 1))
    theirs = duban_clock.seed_task("工信局事项", "工信局", date(2024, 7, 1))
    await phone.send(f"/item {theirs.code}")
    reply = await phone.expect("没有找到|找不到|不属于")
    assert "工信局事项" not in reply.text
    await open_card(phone, mine.code)
    db = duban_clock.db()
    try:
        person = people.by_id(db, duban_clock.person_id(7110))
        for action in ("fu.progress", "fu.closeout", "ext.start"):
            db["buttons"].insert(
                {
                    "token": f"forged-{action}",
                    "person_id": person.id,
                    "action": action,
                    "payload": f'{{"item": {theirs.id}}}',
                    "created_at": duban_clock.clock.now().isoformat(),
                    "expires_at": "2099-01-01T00:00:00+00:00",
                }
            )
    finally:
        db.close()
    for action in ("fu.progress", "fu.closeout", "ext.start"):
        await duban_clock.forge_tap(phone, f"forged-{action}")
        await phone.expect("不属于您的单位")
    db = duban_clock.db()
    try:
        assert db.execute("SELECT count(*) FROM dialogs").fetchone()[0] == 0
    finally:
        db.close()


async def test_weekly_digest_once_per_week_even_after_downtime(duban_clock: Duban) -> None:
    """Leaders get the weekly digest on Monday at 09:00 — once, even if the bot was down
    that morning — and its button sends the full report."""
    await office(duban_clock)
    leader = await duban_clock.register(7111, "李主任", Role.LEADER)
    duban_clock.seed_task("双创载体考核", UNIT, date(2024, 6, 5))
    await duban_clock.sweep(at(6, 3))
    await duban_clock.stop()
    duban_clock.clock.set(at(6, 12, 10))  # Monday 10th is a holiday: the digest waits a day
    await duban_clock.start()
    await duban_clock.sweep()
    # The digest's picture is drawn in the builder process, which this first job starts.
    digest = await leader.expect("督办周报", within=30)
    assert "新增逾期：1 项" in digest.text
    await duban_clock.sweep(at(6, 12, 11))
    assert sum("督办周报" in m.text for m in leader.bot_messages) == 1
    await leader.tap("📄 完整周报")
    await leader.expect("总体销号率", within=30)  # the workbook's caption
    assert await expect_document(leader, "督办周报") == "督办周报_2024-06-03至2024-06-09.xlsx"
