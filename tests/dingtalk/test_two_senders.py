"""Two front-ends, one outbox: each platform's sender takes only its own rows, and a row
queued while both wait wakes its sender at once (neither swallows the other's wake-up)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.chat import Address
from bot.domain.delivery import Failure
from bot.runtime.outcomes import Outcome, Sent
from bot.runtime.sender import OutboxSender
from bot.runtime.wakeup import Wakeup
from sandbox.dingtalk.server import DingTalkStandIn
from storage import outbox
from storage.outbox import Outgoing
from tests.dingtalk.outbox_kit import dingtalk_kit


class RecordingCourier:
    """A Telegram courier that only notes what it was given."""

    platform = "telegram"
    timed_out = Failure.TIMED_OUT

    def __init__(self) -> None:
        self.rows: list[Outgoing] = []

    def redact(self, text: str) -> str:
        return text

    def chat_limited(self, chat: Address) -> bool:
        return False

    async def deliver(self, row: Outgoing) -> Outcome:
        self.rows.append(row)
        return Sent(None, row.payload)


async def test_each_sender_delivers_its_own_platform_and_wakes_for_new_rows(
    standin: DingTalkStandIn, tmp_path: Path
) -> None:
    phone = standin.phone("manager4521", "李联络")
    async with dingtalk_kit(standin, tmp_path) as kit:
        courier = RecordingCourier()

        async def nobody_blocked(chat: Address) -> None:
            raise AssertionError(chat)

        telegram = OutboxSender(courier, kit.services, nobody_blocked)
        tasks = [asyncio.create_task(kit.sender.run()), asyncio.create_task(telegram.run())]
        try:
            await asyncio.sleep(0.3)  # both have looked, found nothing and wait (30 s)
            for round_ in range(3):
                await kit.queue(
                    phone.staff_id, "markdown", {"title": "t", "text": f"钉钉 {round_}"}
                )
                await kit.store.run(
                    lambda db, n=round_: outbox.enqueue(
                        db,
                        key=f"tg-{n}",
                        to=Address("telegram", "7001"),
                        method="sendMessage",
                        payload={"chat_id": 7001, "text": f"Telegram {n}"},
                        at=datetime.now(UTC),
                    )
                )
                kit.services.outbox_ready.set()  # as Work's commit does
                await phone.expect(f"钉钉 {round_}", within=3)
                for _ in range(150):
                    if len(courier.rows) == round_ + 1:
                        break
                    await asyncio.sleep(0.02)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    assert [row.payload["text"] for row in courier.rows] == [
        "Telegram 0",
        "Telegram 1",
        "Telegram 2",
    ]
    assert {row.to.platform for row in courier.rows} == {"telegram"}
    assert [item.text for item in phone.received()] == ["钉钉 0", "钉钉 1", "钉钉 2"]


def test_one_sender_looking_does_not_swallow_the_others_wakeup() -> None:
    """Sender B wakes, clears its event and looks; sender A, busy reading when the row was
    committed, still finds its own event set when it comes to wait."""
    shared = Wakeup()
    a, b = shared.subscribe(), shared.subscribe()
    a.clear()  # A clears, then reads due rows …
    b.clear()
    shared.set()  # … a row is committed meanwhile
    b.clear()  # B woke first and looked
    assert a.is_set()
