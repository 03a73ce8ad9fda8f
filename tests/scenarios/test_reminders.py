"""Reminders as department contacts and the office meet them: the daily push, its ladder,
holidays, quiet hours, catch-up after downtime, acknowledgements and delivery faults."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from bot.domain.lifecycle import Role
from tests.harness import AnyPhone, Duban, at

pytestmark = pytest.mark.both_platforms

UNIT = "科技局"


def reminders(phone: AnyPhone) -> list[str]:
    return [m.text for m in phone.bot_messages if "督办提醒" in m.text]


async def retry_scheduled(duban: Duban, key_pattern: str) -> None:
    """Wait until the sender has recorded the failed attempt (its answer came late)."""
    db = duban.db()
    try:
        for _ in range(100):
            row = db.execute(
                "SELECT attempts FROM outbox WHERE dedup_key LIKE ?", [key_pattern]
            ).fetchone()
            if row and row[0]:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"no retry recorded for {key_pattern}")
    finally:
        db.close()


async def contact(duban: Duban, user_id: int = 7001, name: str = "赵联络") -> AnyPhone:
    return await duban.register(user_id, name, Role.CONTACT, unit=UNIT)


async def test_an_item_walks_its_whole_ladder(duban_clock: Duban) -> None:
    """A contact is told of a new item, then reminded 7, 3 and 1 days before, on the day and
    every 3 working days after (counted from the deadline), each on a working day and
    described as the item stands that day."""
    phone = await contact(duban_clock)
    duban_clock.seed_task("高企培育后备库储备不足", UNIT, date(2024, 6, 14))
    await duban_clock.sweep(at(6, 3))
    await phone.expect("新交办，请签收")
    steps = [
        (at(6, 4), None),
        (at(6, 7), "还有 7 天到期"),
        (at(6, 11), "还有 3 天到期"),  # 10 June is the Dragon Boat Festival
        (at(6, 13), "还有 1 天到期"),
        (at(6, 14), "今天到期"),
        (at(6, 17), None),  # Mon, Tue, Wed: three working days after Friday's deadline
        (at(6, 19), "已逾期 5 天"),
        (at(6, 24), "已逾期 10 天"),  # Thu, Fri, Mon
    ]
    for moment, expected in steps:
        await duban_clock.sweep(moment)
        if expected is None:
            await phone.expect_silence(0.3)
        else:
            await phone.expect(expected)
    assert len(reminders(phone)) == 7


async def test_many_items_come_as_one_message_a_day(duban_clock: Duban) -> None:
    """Thirty items due for one unit arrive as ONE message, most urgent first, with one
    button per item and one tap to acknowledge them all; a co-unit gets a line each."""
    phone = await contact(duban_clock)
    helper = await duban_clock.register(7002, "钱协办", Role.CONTACT, unit="工信局")
    for n in range(30):
        duban_clock.seed_task(
            f"事项{n:02d}", UNIT, date(2024, 5, 20 + n % 10), co_units=("工信局",) if n < 2 else ()
        )
    await duban_clock.sweep(at(6, 3))
    message = await phone.expect("督办提醒")
    assert len(reminders(phone)) == 1
    assert "30 项" in message.text
    first_overdue = message.text.index("已逾期 14 天")
    assert first_overdue < message.text.index("已逾期 5 天")
    assert "签收新交办事项（30）" in message.buttons[-1]
    await phone.tap("签收新交办事项（30）")
    await phone.expect("已签收 30 项")
    notice = await helper.expect("协办事项")
    assert not any(b.startswith("⚪") or "事项" in b for b in notice.buttons)
    await duban_clock.sweep(at(6, 3, 10))
    await phone.expect_silence(0.3)
    assert len(reminders(phone)) == 1


async def test_quiet_hours_hold_urgent_news_until_morning(duban_clock: Duban) -> None:
    """A close-out returned late at night reaches the contact at 08:00, not at 22:30; the
    daily push is not sent in the evening either."""
    phone = await contact(duban_clock)
    admin = duban_clock.admin()
    await admin.send("/help")
    await admin.expect("可用命令")
    item = duban_clock.seed_task("孵化器入驻率不足", UNIT, date(2024, 6, 28))
    await duban_clock.sweep(at(6, 3))
    await phone.expect("新交办")
    db = duban_clock.db()
    try:
        from bot.domain.audit import Origin
        from bot.domain.lifecycle import Event
        from storage import ledger, people

        contact_person = people.by_id(db, duban_clock.person_id(7001))
        ledger.apply_event(
            db,
            item.id,
            Event.REQUEST_CLOSE,
            contact_person.actor,
            Origin.cli(duban_clock.clock.now()),
            has_evidence=True,
        )
        db.execute(
            "INSERT INTO closeout_requests (item_id, requested_by, text, created_at) "
            "VALUES (?, ?, '已完成', ?)",
            [item.id, contact_person.id, duban_clock.clock.now().isoformat()],
        )
    finally:
        db.close()
    await duban_clock.travel(at(6, 3, 22, 30))
    await admin.send(f"/item {item.code}")
    await admin.expect(item.code)
    await admin.tap("↩️ 退办")
    await admin.expect("退办")
    await admin.send("佐证照片不清楚")
    await admin.expect("已退回承办单位")
    await duban_clock.sweep(at(6, 3, 22, 40))
    await phone.expect_silence(0.5)
    await duban_clock.travel(at(6, 4, 8, 0))
    notice = await phone.expect("被退回")
    assert "佐证照片不清楚" in notice.text
    await phone.tap("签收")
    await phone.expect("已签收 1 项")


async def test_public_holiday_and_working_saturday(duban_clock: Duban) -> None:
    """Nothing goes out on National Day; an item due on the 调休 working Saturday is
    reminded that Saturday; a day the office declares a holiday is skipped too."""
    phone = await contact(duban_clock)
    admin = duban_clock.admin()
    duban_clock.seed_task("知识产权保护宣传", UNIT, date(2024, 10, 12))
    duban_clock.seed_task("研发机构建设", UNIT, date(2024, 6, 5))
    await duban_clock.sweep(at(6, 3))
    await phone.expect("新交办")
    await duban_clock.travel(at(6, 3, 10))
    await admin.send("/holiday 2024-06-05 off")
    await admin.expect("设为假日")
    await duban_clock.sweep(at(6, 5))
    await phone.expect_silence(0.3)
    await duban_clock.sweep(at(6, 6))
    await phone.expect("已逾期 1 天")
    await duban_clock.sweep(at(10, 1))
    await phone.expect_silence(0.3)
    await duban_clock.sweep(at(10, 12))
    message = await phone.expect("今天到期")
    assert "知识产权保护宣传" in message.text


async def test_recurring_and_ongoing_items_are_asked_at_month_end(duban_clock: Duban) -> None:
    """A monthly report and a 长期坚持 item are both asked for on the last working day of
    June (Friday 28th, as the 30th is a Sunday), in the same message."""
    phone = await contact(duban_clock)
    duban_clock.seed_task("每月报送高企培育进展", UNIT, None, recurring="monthly")
    duban_clock.seed_task("科技金融长效机制", UNIT, None, ongoing=True, deadline_text="长期坚持")
    await duban_clock.sweep(at(6, 3))
    await phone.expect("新交办")
    await duban_clock.sweep(at(6, 27))
    await phone.expect_silence(0.3)
    await duban_clock.sweep(at(6, 28))
    message = await phone.expect("请于 2024-06-30 前报送")
    assert "长期坚持事项，请报告本期进展" in message.text


async def test_downtime_catch_up_sends_one_message_per_person(duban_clock: Duban) -> None:
    """After three days off, each contact gets ONE message describing every item as it is
    today, not one per missed day."""
    phone = await contact(duban_clock)
    colleague = await contact(duban_clock, 7003, "孙联络")
    for day in (5, 6, 7):
        duban_clock.seed_task(f"六月{day}日到期事项", UNIT, date(2024, 6, day))
    await duban_clock.sweep(at(6, 3))
    await phone.expect("新交办")
    await colleague.expect("新交办")
    await duban_clock.stop()
    duban_clock.clock.set(at(6, 7, 9, 30))
    await duban_clock.start()
    await duban_clock.sweep()
    for person in (phone, colleague):
        message = await person.expect("督办提醒 · 2024-06-07")
        assert "已逾期 2 天" in message.text
        assert "已逾期 1 天" in message.text
        assert "今天到期" in message.text
        assert len(reminders(person)) == 2


async def test_late_acknowledgement_is_reported_to_the_office(duban_clock: Duban) -> None:
    """An item not acknowledged within two working days is reported to the administrators
    once, and /acks lists it."""
    admin = duban_clock.admin()
    await admin.send("/help")
    await admin.expect("可用命令")
    phone = await contact(duban_clock)
    item = duban_clock.seed_task("产学研合作项目落地慢", UNIT, date(2024, 7, 31))
    await duban_clock.sweep(at(6, 3))
    await phone.expect("新交办")
    await duban_clock.sweep(at(6, 5))
    await admin.expect_silence(0.3)
    await duban_clock.sweep(at(6, 6))
    await admin.expect(f"未签收 {item.code}")
    await duban_clock.sweep(at(6, 7))
    await admin.send("/acks")
    await admin.expect(f"科技局：{item.code}")
    assert sum("超过 2 个工作日未签收" in m.text for m in admin.bot_messages) == 1


async def test_unit_without_contact_is_reported_and_served_once_one_registers(
    duban_clock: Duban,
) -> None:
    """The office is told once that a unit has nobody to remind; the reminder goes out
    when a contact registers."""
    admin = duban_clock.admin()
    await admin.send("/help")
    await admin.expect("可用命令")
    duban_clock.seed_task("人才引进政策兑现慢", "人社局", date(2024, 6, 4))
    await duban_clock.sweep(at(6, 3))
    notice = await admin.expect("以下单位还没有登记联络员")
    assert "· 人社局" in notice.text
    await duban_clock.sweep(at(6, 3, 9, 1))
    await admin.expect_silence(0.3)
    phone = await duban_clock.register(7010, "周联络", Role.CONTACT, unit="人社局")
    await duban_clock.sweep(at(6, 3, 11))
    await phone.expect("还有 1 天到期")


async def test_contact_who_blocked_the_bot_is_reported(duban_clock: Duban) -> None:
    """A blocked bot cannot deliver: the person is marked unreachable and the office told.
    (DingTalk has no block: its nearest, a person who left the organisation, is refused.)"""
    admin = duban_clock.admin()
    await admin.send("/help")
    await admin.expect("可用命令")
    phone = await contact(duban_clock)
    duban_clock.seed_task("创新服务平台运营", UNIT, date(2024, 6, 20))
    phone.block_bot()
    await duban_clock.sweep(at(6, 3))
    # Telegram says the person blocked the bot; DingTalk only that it cannot reach them.
    await admin.expect("已屏蔽机器人" if duban_clock.platform == "telegram" else "收不到机器人")
    assert _reachable(duban_clock, 7001) == 0
    # Unblocking and writing again makes the contact reachable for reminders once more.
    phone.unblock()
    await phone.send("/help")
    await phone.expect("可用命令")
    assert _reachable(duban_clock, 7001) == 1


def _reachable(duban: Duban, user_id: int) -> int:
    db = duban.db()
    try:
        return db.execute(
            "SELECT reachable FROM people WHERE id = ?", [duban.person_id(user_id)]
        ).fetchone()[0]
    finally:
        db.close()


@pytest.mark.telegram_only(
    "Telegram's own delivery faults (a 429 waited out, a 502 that may have delivered): "
    "DingTalk's refusals, throttling and late card answers are tried in "
    "tests/dingtalk/test_dingtalk_sender.py"
)
async def test_faults_lose_no_reminder(duban_clock: Duban) -> None:
    """A 429 is waited out, a 502 that did not deliver is retried: each day's reminder
    arrives exactly once; only a 502 that did deliver can show it twice."""
    phone = await contact(duban_clock)
    duban_clock.seed_task("双创载体建设", UNIT, date(2024, 6, 30))
    faults = duban_clock.sandbox.faults

    limited = faults.inject("sendMessage", status=429, retry_after=1)
    await duban_clock.sweep(at(6, 3))
    await phone.expect("督办提醒 · 2024-06-03", within=8)
    assert limited.fired == 1

    lost = faults.inject("sendMessage", status=502, delivered=False)
    await duban_clock.sweep(at(6, 21))  # D-7 rung, after the weekend
    await phone.expect_silence(0.5)
    assert lost.fired == 1
    await duban_clock.travel(at(6, 21, 9, 1))
    await phone.expect("督办提醒 · 2024-06-21")

    ambiguous = faults.inject("sendMessage", status=502, delivered=True)
    await duban_clock.sweep(at(6, 27))  # D-3
    await phone.expect("督办提醒 · 2024-06-27")
    await retry_scheduled(duban_clock, "remind:%:2024-06-27")
    assert ambiguous.fired == 1
    await duban_clock.travel(at(6, 27, 9, 1))
    await phone.expect("督办提醒 · 2024-06-27")

    texts = reminders(phone)
    assert [t.split("\n")[0] for t in texts] == [
        "📋 督办提醒 · 2024-06-03",
        "📋 督办提醒 · 2024-06-21",
        "📋 督办提醒 · 2024-06-27",
        "📋 督办提醒 · 2024-06-27",
    ]
    await duban_clock.settle()  # every row marked sent, none dead
