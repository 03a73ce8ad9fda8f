"""Messages that follow the state (issue 14), as the office and the contacts meet them:
the office's one notice of units without a contact, a finding notice with a button to
open the item, and a report or an export asked for again."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from bot.builders import runner
from bot.domain.lifecycle import Role
from sandbox.phones import ChatMessage, Phone
from storage import sent
from tests.harness import (
    Duban,
    answered,
    at,
    inspector_on_visit,
    office,
    open_card,
    speaking,
)
from tests.report_seed import seed

pytestmark = pytest.mark.both_platforms

NO_CONTACT = "还没有登记联络员"
WAIT = 20.0


def notices(phone: Phone, words: str) -> list[str]:
    return [m.text for m in phone.bot_messages if words in m.text]


async def test_units_without_a_contact_come_as_one_notice_not_repeated_on_restart(
    duban_clock: Duban,
) -> None:
    """Three units without a contact make ONE message to the office naming them all; a
    restart and the next day's passes say nothing again; a fourth unit found later brings
    one new message that lists all four."""
    admin = await office(duban_clock)
    for unit in ("人社局", "财政局", "商务局"):
        duban_clock.seed_task(f"{unit}事项", unit, date(2024, 6, 4))
    await duban_clock.sweep(at(6, 3))
    notice = await admin.expect(NO_CONTACT)
    assert all(f"· {unit}" in notice.text for unit in ("人社局", "财政局", "商务局"))
    await duban_clock.settle()
    assert len(notices(admin, NO_CONTACT)) == 1

    await duban_clock.restart()
    await duban_clock.sweep(at(6, 3, 10))
    await duban_clock.sweep(at(6, 4))
    await admin.expect_silence(0.5)
    assert len(notices(admin, NO_CONTACT)) == 1

    duban_clock.seed_task("农业农村局事项", "农业农村局", date(2024, 6, 20))
    await duban_clock.sweep(at(6, 4, 10))
    second = await admin.expect(NO_CONTACT)
    assert all(f"· {unit}" in second.text for unit in ("人社局", "财政局", "商务局", "农业农村局"))
    assert len(notices(admin, NO_CONTACT)) == 2


async def test_office_notice_in_english(duban_clock: Duban) -> None:
    """An English-speaking administrator reads the one notice in English."""
    admin = duban_clock.admin("en")
    await speaking(admin, "en")
    await admin.send("/help")
    await admin.expect("/report")
    for unit in ("人社局", "财政局"):
        duban_clock.seed_task(f"{unit}事项", unit, date(2024, 6, 4))
    await duban_clock.sweep(at(6, 3))
    notice = await admin.expect("These units have no registered contact")
    assert "For the office" in notice.text
    assert "· 人社局" in notice.text and "· 财政局" in notice.text


async def test_finding_notice_opens_the_item_with_a_button(duban: Duban) -> None:
    """The contact told of a finding on their item opens it with the button under the
    notice, instead of typing /item and the code."""
    contact = await duban.register(6302, "赵联络", Role.CONTACT, unit="科技局")
    inspector = await inspector_on_visit(duban, 6301)
    item = duban.seed_research_item()
    await inspector.send("研发中心设备闲置")
    await inspector.expect("发现 1")
    await inspector.tap(item.code)
    await inspector.expect(f"已关联：{item.code}")
    await inspector.send("/done")
    await inspector.expect("走访结束")
    notice = await contact.expect("贵单位牵头")
    assert "/item" not in notice.text
    assert f"📂 查看 {item.code}" in notice.buttons
    await contact.tap(f"📂 查看 {item.code}")
    card = await contact.expect("状态")
    assert item.code in card.text and "研发投入不足" in card.text


async def _job_statuses(duban: Duban) -> list[str]:
    """Every report job's status, once none is pending any more."""
    db = duban.db()
    try:
        for _ in range(int(WAIT / 0.1)):
            statuses = [r[0] for r in db.execute("SELECT status FROM report_jobs ORDER BY id")]
            if "pending" not in statuses:
                return statuses
            await asyncio.sleep(0.1)
        raise AssertionError(f"report jobs still pending: {statuses}")
    finally:
        db.close()


async def _held_builds(monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """Report builds wait until the returned event is set: "while it is being built"
    lasts as long as the test needs."""
    release = asyncio.Event()
    build = runner.build_off_loop

    async def held(*args: object, **kwargs: object) -> object:
        await release.wait()
        return await build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "build_off_loop", held)
    return release


@pytest.mark.parametrize(
    ("language", "menu", "build", "running", "done", "again"),
    [
        ("zh", "期间", "📊 生成报表", "同样的报表正在生成", "这份报表已于", "🔄 重新生成"),
        (
            "en",
            "Period",
            "📊 Build report",
            "same report is being built",
            "was delivered at",
            "🔄 Build again",
        ),
    ],
)
async def test_a_report_asked_for_again_is_answered(
    duban: Duban,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    menu: str,
    build: str,
    running: str,
    done: str,
    again: str,
) -> None:
    """Tapping 生成报表 again while the same report is built says so (a new menu with the
    same options too); once it is delivered, the tap points to it and offers a fresh one,
    which is built."""
    db = duban.db()
    try:
        seed(db, datetime.now(UTC))
    finally:
        db.close()
    release = await _held_builds(monkeypatch)
    admin = duban.admin(language)
    await speaking(admin, language)
    await admin.send("/report")
    await admin.expect(menu)
    await admin.tap(build)
    answer = await admin.tap(build)
    await answered(admin, answer, running)
    await admin.send("/report")
    await admin.expect(menu)
    answer = await admin.tap(build)
    await answered(admin, answer, running)

    release.set()
    assert await _job_statuses(duban) == ["done"]
    await duban.settle(WAIT)
    await admin.tap(build)
    pointer = await admin.expect(done)
    assert again in pointer.buttons
    await admin.tap(again)
    await duban.settle(WAIT)  # the tap handled (DingTalk's tap waits for no answer)
    assert await _job_statuses(duban) == ["done", "done"]


async def test_an_export_asked_for_again_is_answered(
    duban: Duban, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export's format button behaves as 生成报表 does: a second tap while it is built
    says so, a tap after delivery points to it and offers a fresh one."""
    db = duban.db()
    try:
        seed(db, datetime.now(UTC))
    finally:
        db.close()
    release = await _held_builds(monkeypatch)
    admin = duban.admin()
    await admin.send("/export")
    await admin.expect("导出督办台账")
    await admin.tap("全部事项")
    await admin.expect("请选择格式")
    await admin.tap("📗 Excel 表格")
    answer = await admin.tap("📗 Excel 表格")
    await answered(admin, answer, "同样的报表正在生成")

    release.set()
    assert await _job_statuses(duban) == ["done"]
    await duban.settle(WAIT)
    await admin.tap("📗 Excel 表格")
    pointer = await admin.expect("这份报表已于")
    await admin.tap(pointer.buttons[0])
    await duban.settle(WAIT)  # the tap handled (DingTalk's tap waits for no answer)
    assert await _job_statuses(duban) == ["done", "done"]


def reminder_of(phone: Phone) -> ChatMessage:
    """The day's reminder as the phone shows it now (edits included)."""
    return next(m for m in phone.bot_messages if "督办提醒" in m.text or "Reminders" in m.text)


async def test_the_reminder_follows_acknowledgements_from_the_card_and_a_colleague(
    duban_clock: Duban,
) -> None:
    """Two new items in the morning reminder of two contacts of one unit. One item is
    acknowledged from its card: both reminders say who and when on its line, and their
    签收 button now asks for the other item only; the colleague acknowledges that one from
    the reminder: the button goes from both, the items' own buttons stay."""
    zhao = await duban_clock.register(7001, "赵联络", Role.CONTACT, unit="科技局")
    sun = await duban_clock.register(7003, "孙联络", Role.CONTACT, unit="科技局")
    first = duban_clock.seed_task("高企培育后备库储备不足", "科技局", date(2024, 6, 28))
    second = duban_clock.seed_task("孵化器入驻率不足", "科技局", date(2024, 6, 28))
    await duban_clock.sweep(at(6, 3))
    for phone in (zhao, sun):
        message = await phone.expect("新交办，请签收")
        assert "✅ 签收新交办事项（2）" in message.buttons

    await open_card(zhao, first.code)
    await zhao.tap("签收")
    await zhao.expect(f"已签收 1 项：{first.code}")
    for phone in (zhao, sun):
        await phone.expect("已签收（赵联络 09:00）")
        edited = reminder_of(phone)
        line = next(x for x in edited.text.split("\n") if first.code in x)
        assert "已签收（赵联络 09:00）" in line and "请签收" not in line
        other = next(x for x in edited.text.split("\n") if second.code in x)
        assert "新交办，请签收" in other
        assert "✅ 签收新交办事项（1）" in edited.buttons
        assert sum(first.code in b or second.code in b for b in edited.buttons) == 2

    await sun.tap("✅ 签收新交办事项（1）")
    await sun.expect(f"已签收 1 项：{second.code}")
    for phone in (zhao, sun):
        await phone.expect("已签收（孙联络 09:00）")
        edited = reminder_of(phone)
        assert "请签收" not in edited.text
        assert not any("签收" in b for b in edited.buttons)
        assert sum(first.code in b or second.code in b for b in edited.buttons) == 2
    await sun.tap(second.code)
    card = await sun.expect("状态")
    assert second.code in card.text


async def test_the_reminder_follows_an_acknowledgement_in_english(duban_clock: Duban) -> None:
    """In English the acknowledged line reads "acknowledged (name, time)" and the button goes."""
    phone = await duban_clock.register(7001, "Zhao", Role.CONTACT, unit="科技局", language="en")
    item = duban_clock.seed_task("高企培育后备库储备不足", "科技局", date(2024, 6, 28))
    await duban_clock.sweep(at(6, 3))
    await phone.expect("newly assigned, please acknowledge")
    await phone.tap("✅ Acknowledge new items (1)")
    await phone.expect("✅ acknowledged (Zhao, 09:00)")
    edited = reminder_of(phone)
    assert "please acknowledge" not in edited.text
    assert edited.buttons and all("Acknowledge" not in b for b in edited.buttons)
    assert any(item.code in b for b in edited.buttons)


async def test_acknowledging_all_at_once_edits_the_reminder_once(duban_clock: Duban) -> None:
    """签收 of three new items with one tap: every line says so and the button goes, in
    ONE edit of the reminder (not one per item: Telegram limits edits per chat)."""
    phone = await duban_clock.register(7001, "赵联络", Role.CONTACT, unit="科技局")
    items = [duban_clock.seed_task(f"事项{n}", "科技局", date(2024, 6, 20 + n)) for n in range(3)]
    await duban_clock.sweep(at(6, 3))
    await phone.expect("新交办，请签收")
    await phone.tap("✅ 签收新交办事项（3）")
    await phone.expect("已签收 3 项")
    await duban_clock.settle()
    reminder = reminder_of(phone)
    assert reminder.text.count("已签收（赵联络 09:00）") == 3
    assert "请签收" not in reminder.text
    assert not any("签收" in b for b in reminder.buttons)
    assert sum(any(i.code in b for i in items) for b in reminder.buttons) == 3
    db = duban_clock.db()
    try:
        edits = db.execute(
            f"SELECT count(*) FROM outbox WHERE method IN {sent.EDITS} "
            "AND dedup_key LIKE 'remind:%'"
        ).fetchone()[0]
        assert edits == 1
    finally:
        db.close()


async def test_a_returned_close_out_notice_follows_its_acknowledgement(
    duban_clock: Duban,
) -> None:
    """A close-out is returned to the unit: both contacts are asked to 签收. Once one of
    them does, the other's notice says who and when, and its 签收 button goes (the
    button that opens the item stays)."""
    await office(duban_clock)
    zhao = await duban_clock.register(7102, "赵联络", Role.CONTACT, unit="科技局")
    sun = await duban_clock.register(7103, "孙联络", Role.CONTACT, unit="科技局")
    inspector = await duban_clock.register(7104, "王督查", Role.INSPECTOR)
    item = duban_clock.seed_task(
        "孵化器入驻率不足", "科技局", date(2024, 6, 28), inspectors=(duban_clock.person_id(7104),)
    )
    await open_card(zhao, item.code)
    await zhao.tap("✅ 申请销号")
    await zhao.expect("申请")
    await zhao.send("入驻率已达 85%")
    await zhao.send_photo()
    await zhao.expect("文件 1 个")
    await zhao.tap("提交")
    await inspector.expect("销号核验")
    await inspector.tap("↩️ 退办")
    await inspector.expect("请输入退办")
    await inspector.send("入驻企业名单缺少合同")
    await inspector.expect("已退回承办单位")
    for phone in (zhao, sun):
        notice = await phone.expect("被退回")
        assert "签收" in notice.buttons

    await zhao.tap("签收")
    await zhao.expect("已签收 1 项")
    await sun.expect("已签收（赵联络")
    notice = next(m for m in sun.bot_messages if "被退回" in m.text)
    assert "签收" not in notice.buttons
    assert "查看事项" in notice.buttons
