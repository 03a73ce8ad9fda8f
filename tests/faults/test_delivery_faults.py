"""Messages Telegram will never take are given up at once and reported; failures that
last a day are given up too; and no failing message holds back the rest of its chat."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from bot.domain.lifecycle import Role
from bot.services import delivery
from sandbox.phones import Phone
from tests.harness import Duban, at, office

UNIT = "科技局"


def notices(admin: Phone) -> list[str]:
    return [m.text for m in admin.bot_messages if "一条消息未能送达" in m.text]


def faulted(duban: Duban, method: str, status: int) -> int:
    """How many calls of ``method`` the sandbox answered with ``status`` (the fault fired)."""
    return sum(1 for call in duban.sandbox.state.calls_to(method) if call["status"] == status)


def outbox_row(duban: Duban, key_like: str) -> tuple[str, int, str | None]:
    db = duban.db()
    try:
        row = db.execute(
            "SELECT status, attempts, last_error FROM outbox WHERE dedup_key LIKE ? "
            "ORDER BY id LIMIT 1",
            [key_like],
        ).fetchone()
    finally:
        db.close()
    assert row is not None, f"no outbox row like {key_like}"
    return row


async def attempts_reach(duban: Duban, key_like: str, attempts: int) -> None:
    """Wait until the sender has recorded ``attempts`` tries of the row."""
    for _ in range(200):
        if outbox_row(duban, key_like)[1] >= attempts:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{key_like} never reached {attempts} attempts")


async def test_413_on_a_dossier_is_given_up_and_the_reminder_still_arrives(
    duban_clock: Duban,
) -> None:
    """The dossier PDF is answered 413 (over 50 MB): it is given up at once, the admins are
    told why, the contact is told it failed, and the morning reminder to the same chat
    arrives."""
    admin = await office(duban_clock)
    contact = await duban_clock.register(7401, "赵联络", Role.CONTACT, unit=UNIT)
    item = duban_clock.seed_task("高企培育后备库储备不足", UNIT, date(2024, 6, 14))
    await duban_clock.settle()
    duban_clock.sandbox.faults.inject("sendDocument", times=1, status=413)

    await contact.send(f"/history {item.code}")
    await contact.expect(item.code)
    await contact.tap("📄 档案 PDF")
    await contact.expect("档案已生成", within=30)
    await duban_clock.sweep(at(6, 3))
    await contact.expect("新交办，请签收")
    await duban_clock.settle()

    assert faulted(duban_clock, "sendDocument", 413) == 1
    assert not duban_clock.sandbox.faults.pending
    assert not any(m.document for m in contact.bot_messages)
    status, attempts, error = outbox_row(duban_clock, "job:%:0")
    assert (status, attempts) == ("dead", 1) and error.startswith("too_big")
    [notice] = notices(admin)
    assert "赵联络（承办单位联络员，科技局）" in notice
    assert "类型：文件" in notice and "超过 Telegram 的 50 MB 上限" in notice


async def test_400_makes_the_message_dead_and_the_admins_are_told_once(
    duban_clock: Duban,
) -> None:
    """A reply Telegram refuses with 400 is not retried: it is dead, the administrators
    hear of it once (in their language), and the person's next message is answered."""
    admin = await office(duban_clock)
    english = await duban_clock.register(7402, "Li Admin", Role.ADMIN, language="en")
    contact = await duban_clock.register(7403, "赵联络", Role.CONTACT, unit=UNIT)
    await duban_clock.settle()
    duban_clock.sandbox.faults.inject(
        "sendMessage", times=1, status=400, description="Bad Request: can't parse entities"
    )
    await contact.send("/help")
    notice = await admin.expect("一条消息未能送达")
    assert "Telegram 回复：Can't parse entities" in notice.text
    told = await english.expect("A message could not be delivered")
    assert "Telegram said: Can't parse entities" in told.text
    await contact.send("/help")
    await contact.expect("可用命令")
    await duban_clock.restart()
    await duban_clock.settle()

    assert faulted(duban_clock, "sendMessage", 400) == 1
    assert len(notices(admin)) == 1
    assert len([m for m in english.bot_messages if "could not be delivered" in m.text]) == 1
    assert "Telegram refused the message" in english.latest.text
    assert "can't parse entities" in notices(admin)[0].lower()
    helps = [m for m in contact.bot_messages if m.text.startswith("可用命令")]
    assert len(helps) == 1  # the refused one was not sent again


async def test_a_day_of_failures_gives_up_and_later_messages_pass_it(duban_clock: Duban) -> None:
    """A reply that keeps failing with 502 is retried, but after its first attempts it no
    longer holds back the chat: the next reply arrives while it waits. After 24 hours of
    failures (fake clock) it is given up and the administrators are told."""
    admin = await office(duban_clock)
    contact = await duban_clock.register(7404, "赵联络", Role.CONTACT, unit=UNIT)
    await duban_clock.settle()
    clock = duban_clock.clock
    fault = duban_clock.sandbox.faults.inject("sendMessage", times=3, status=502)
    await contact.send("/help")
    await duban_clock.all_processed()
    key = outbox_row_key(duban_clock, contact)
    await attempts_reach(duban_clock, key, 1)
    for tried in (2, 3):  # past each retry's backoff (1 s, then 2 s)
        clock.advance(timedelta(seconds=3))
        duban_clock.runtime.resources.outbox_ready.set()
        await attempts_reach(duban_clock, key, tried)
    assert fault.remaining == 0 and faulted(duban_clock, "sendMessage", 502) == 3

    await contact.send("/mine")  # queued later, while the first reply waits (8 s backoff)
    await contact.expect(UNIT)
    assert not any(m.text.startswith("可用命令") for m in contact.bot_messages)
    assert outbox_row(duban_clock, key)[0] == "pending"

    duban_clock.sandbox.faults.inject("sendMessage", times=1, status=502)
    clock.advance(timedelta(hours=24))
    duban_clock.runtime.resources.outbox_ready.set()
    notice = await admin.expect("一条消息未能送达")
    assert "连续 24 小时发送失败" in notice.text and "赵联络" in notice.text
    assert faulted(duban_clock, "sendMessage", 502) == 4
    status, attempts, error = outbox_row(duban_clock, key)
    assert (status, attempts) == ("dead", 4) and error.startswith("timed_out")


def outbox_row_key(duban: Duban, phone: Phone) -> str:
    """The dedup key of the newest row to the phone's chat."""
    db = duban.db()
    try:
        return db.execute(
            "SELECT dedup_key FROM outbox WHERE chat = ? ORDER BY id DESC LIMIT 1",
            [phone.user_id],
        ).fetchone()[0]
    finally:
        db.close()


async def test_a_file_over_the_upload_limit_is_never_queued(
    duban_clock: Duban, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A built file over the upload limit (here lowered to 1 kB) is checked before it is
    queued: nothing is uploaded, the person is told its size, the admins why (in office
    hours: the fake clock's 08:00)."""
    monkeypatch.setattr(delivery, "UPLOAD_LIMIT", 1000)
    admin = await office(duban_clock)
    contact = await duban_clock.register(7405, "赵联络", Role.CONTACT, unit=UNIT)
    item = duban_clock.seed_task("高企培育后备库储备不足", UNIT, date(2024, 6, 14))
    await contact.send(f"/history {item.code}")
    await contact.expect(item.code)
    await contact.tap("📄 档案 PDF")
    told = await contact.expect("超过 Telegram 允许机器人发送的 50 MB", within=30)
    assert f"dossier-{item.code}.pdf" in told.text
    notice = await admin.expect("一条消息未能送达")
    assert "超过 Telegram 的 50 MB 上限" in notice.text and "赵联络" in notice.text
    await duban_clock.settle()
    assert not duban_clock.sandbox.state.calls_to("sendDocument")


async def test_a_403_on_a_file_gives_up_that_file_not_the_person(duban_clock: Duban) -> None:
    """Telegram forbids one document (not a blocked chat): that row is dead and reported,
    the person stays reachable and still gets their reminder."""
    admin = await office(duban_clock)
    contact = await duban_clock.register(7406, "赵联络", Role.CONTACT, unit=UNIT)
    item = duban_clock.seed_task("高企培育后备库储备不足", UNIT, date(2024, 6, 14))
    await duban_clock.settle()
    duban_clock.sandbox.faults.inject(
        "sendDocument",
        status=403,
        description="Forbidden: not enough rights to send documents to the chat",
    )
    await contact.send(f"/history {item.code}")
    await contact.expect(item.code)
    await contact.tap("📄 档案 PDF")
    notice = await admin.expect("一条消息未能送达", within=30)
    assert "Telegram 不允许向此人发送这类内容" in notice.text
    await duban_clock.sweep(at(6, 3))
    await contact.expect("新交办，请签收")
    assert faulted(duban_clock, "sendDocument", 403) == 1
    assert not any("已屏蔽机器人" in m.text for m in admin.bot_messages)
    db = duban_clock.db()
    try:
        reachable = db.execute(
            "SELECT reachable FROM people WHERE account = ?", [contact.user_id]
        ).fetchone()[0]
    finally:
        db.close()
    assert reachable == 1
