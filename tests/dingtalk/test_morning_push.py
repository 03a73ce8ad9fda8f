"""A morning push to 200 DingTalk contacts: every one gets their reminder, once, and
DingTalk refuses no call.

The sender's loop runs as in production against the stand-in, which holds each API to
DingTalk's 20 calls a second and refuses the 21st with its throttling error (counted in
``standin.rate.refused``). None of the contacts has a live session webhook at dawn, so each
reminder is a one-to-one batchSend, one person per row.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from sandbox.dingtalk.server import DingTalkStandIn
from tests.dingtalk.outbox_kit import dingtalk_kit

CONTACTS = 200


async def test_200_contacts_each_get_their_reminder_with_no_call_refused(
    standin: DingTalkStandIn, tmp_path: Path
) -> None:
    phones = [standin.phone(f"contact{n:03}", f"联络员{n:03}") for n in range(CONTACTS)]
    async with dingtalk_kit(standin, tmp_path) as kit:
        for n, phone in enumerate(phones):
            text = f"早上好，{phone.nick}：事项 2024-{n:03} 今天到期，请及时反馈进展。"
            await kit.queue(phone.staff_id, "markdown", {"title": "今日到期", "text": text})
        started = time.monotonic()
        task = asyncio.create_task(kit.sender.run())
        try:
            for phone, n in zip(phones, range(CONTACTS), strict=True):
                await phone.expect(f"事项 2024-{n:03} 今天到期", within=60)
            pending = await kit.store.run(
                lambda db: db.execute(
                    "SELECT count(*) FROM outbox WHERE status != 'sent' AND chat != '9000'"
                ).fetchone()[0]
            )
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        elapsed = time.monotonic() - started

    assert standin.rate.refused == []
    assert pending == 0
    assert all(len(phone.received()) == 1 for phone in phones)
    assert all(phone.received()[0].kind == "sampleMarkdown" for phone in phones)
    # 200 calls at 20 a second take at least nine seconds: the pace was kept, not luck.
    assert elapsed >= (CONTACTS / 20) - 1
