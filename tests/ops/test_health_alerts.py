"""The administrators are told, on their phones, once when a health figure crosses its
threshold and once when it clears (issue 17): not again after a restart, not at every
flap, each in their language; and a stuck outbox's notice reaches them although the outbox
it is about is stuck."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.chat import Address
from bot.domain.lifecycle import Role
from sandbox.phones import Phone
from storage import inbox, outbox
from tests.harness import Duban, office

MINUTE = timedelta(minutes=1)


async def look(duban: Duban, after: timedelta = MINUTE) -> None:
    """The minute job's next run, ``after`` later by the bot's clock."""
    assert duban.clock is not None and duban.runtime is not None
    duban.clock.advance(after)
    await duban.runtime.run_job("health.alerts")
    await all_sent(duban)


async def all_sent(duban: Duban, seconds: float = 10.0) -> None:
    """Every notice queued has left (``settle`` would also wait for the stuck update, and
    for the message refused on purpose, which stay)."""
    db = duban.db()
    try:
        for _ in range(int(seconds / 0.05)):
            waiting = db.execute(
                "SELECT count(*) FROM outbox WHERE status = 'pending' AND dedup_key != 'refused'"
            ).fetchone()[0]
            if not waiting:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{waiting} notices still queued")
    finally:
        db.close()


def notices(phone: Phone) -> list[str]:
    """The health notices the phone shows, crossings and clearings, oldest first."""
    marks = ("⚠️", "✅")
    return [m.text for m in phone.bot_messages if m.text.startswith(marks)]


def stuck_update(duban: Duban, waited: timedelta) -> int:
    """An update from DingTalk that has waited ``waited``, unprocessed: DingTalk was switched
    off with it still in the inbox, so nothing processes it."""
    assert duban.clock is not None
    db = duban.db()
    update_id = inbox.save_dingtalk(db, "evt-stuck", {"text": "你好"}, duban.clock.now() - waited)
    db.close()
    assert update_id is not None
    return update_id


async def test_a_stuck_update_is_told_once_and_its_clearing_once(clocked_duban: Duban) -> None:
    duban = clocked_duban
    admin = await office(duban)
    english = await duban.register(9101, "Alice Admin", Role.ADMIN, language="en")
    update_id = stuck_update(duban, timedelta(minutes=6))

    await look(duban, timedelta(0))  # seen past once: perhaps a moment, nothing yet
    assert notices(admin) == []
    await look(duban)
    crossed = "⚠️ 运行异常：钉钉 收到的消息：最早一条未处理的已等待 7m（上限 5m）"
    await admin.expect(crossed)
    await english.expect("⚠️ Health alert: updates from DingTalk: the oldest unprocessed one")
    await look(duban)

    await duban.restart()  # the bot restarted mid-fault does not tell it again
    await look(duban)
    await look(duban)
    assert [text.splitlines()[0] for text in notices(admin)] == [crossed]
    assert len(notices(english)) == 1

    assert duban.clock is not None
    db = duban.db()
    inbox.mark_done(db, update_id, duban.clock.now())
    db.close()
    await look(duban)
    await look(duban, timedelta(minutes=5))
    assert len(notices(admin)) == 1  # not yet: ten quiet minutes make a clearing
    await look(duban, timedelta(minutes=6))
    await admin.expect("✅ 已恢复正常：钉钉 收到的消息的处理")
    await english.expect("✅ Back to normal: processing of updates from DingTalk")
    await look(duban)
    await duban.restart()
    await look(duban)
    assert len(notices(admin)) == len(notices(english)) == 2


async def test_a_flapping_figure_is_told_once_until_it_settles(clocked_duban: Duban) -> None:
    duban = clocked_duban
    admin = await office(duban)
    update_id = stuck_update(duban, timedelta(minutes=6))
    await look(duban, timedelta(0))
    await look(duban)
    await admin.expect("⚠️ 运行异常")

    db = duban.db()
    assert duban.clock is not None
    inbox.mark_done(db, update_id, duban.clock.now())
    db.close()
    await look(duban)  # within again…
    db = duban.db()
    later = inbox.save_dingtalk(db, "evt-again", {}, duban.clock.now() - 6 * MINUTE)
    db.close()
    await look(duban, 3 * MINUTE)  # …and past again before it settled
    await look(duban)
    assert len(notices(admin)) == 1  # no second crossing, no clearing in between
    db = duban.db()
    assert later is not None
    inbox.mark_done(db, later, duban.clock.now())
    db.close()
    await look(duban)
    await look(duban, 10 * MINUTE)
    await admin.expect("✅ 已恢复正常")
    await look(duban)
    assert len(notices(admin)) == 2


async def test_a_stuck_outbox_notice_reaches_the_admin_past_the_queue(
    clocked_duban: Duban,
) -> None:
    """Telegram has refused a message for twenty minutes (its next try is an hour away):
    the admin on Telegram is told straight away, with nothing added to the stuck outbox."""
    duban = clocked_duban
    admin = await office(duban)
    assert duban.clock is not None
    now = duban.clock.now()
    db = duban.db()
    to = Address("telegram", "4242")
    outbox.enqueue(db, key="refused", to=to, method="sendMessage", payload={"text": "x"}, at=now)
    db.execute(
        "UPDATE outbox SET failing_since = ?, not_before = ? WHERE dedup_key = 'refused'",
        [(now - 20 * MINUTE).isoformat(), (now + 60 * MINUTE).isoformat()],
    )
    rows_before = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
    db.close()

    await look(duban, timedelta(0))
    await look(duban)
    message = await admin.expect("⚠️ 运行异常：Telegram 待发消息：1 条已到发送时间")
    assert "最早一条已等待 21m（上限 15m）" in message.text
    db = duban.db()
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == rows_before
    db.close()
    await look(duban)
    assert len(notices(admin)) == 1

    db = duban.db()
    db.execute("DELETE FROM outbox WHERE dedup_key = 'refused'")  # delivered at last
    db.close()
    await look(duban)
    await look(duban, 10 * MINUTE)
    await admin.expect("✅ 已恢复正常：Telegram 消息的发送")
    db = duban.db()
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == rows_before - 1
    db.close()
    assert len(notices(admin)) == 2
