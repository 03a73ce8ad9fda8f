"""An edit Telegram calls "not modified" while the bot rewrote it on the way: the newer
text still reaches the chat, as a further edit."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from telegram.error import BadRequest

from bot.chat import Address
from bot.clock import FakeClock
from bot.runtime.context import Resources
from bot.runtime.sender import Sender
from storage import outbox
from storage.db import Store

AT = datetime(2024, 6, 3, 2, 0, tzinfo=UTC)
SHOWN = {"chat_id": 5, "message_id": 7, "text": "发现 1 已记录 · 📷 2 张照片"}
NEWER = SHOWN | {"text": "发现 1 已记录 · 📷 3 张照片"}


class UnchangedEdit:
    """A Bot API whose answer to the edit comes after the bot rewrote the row."""

    def __init__(self, store: Store, key: str) -> None:
        self.store, self.key = store, key

    async def do_api_request(self, method: str, api_kwargs: dict) -> object:
        await self.store.run(outbox.replace_pending, self.key, NEWER)  # a third photo came
        raise BadRequest("Message is not modified: specified new message content ...")


async def test_a_rewritten_edit_called_unchanged_is_followed_by_the_newer_text(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "duban.sqlite")
    await store.open()
    try:
        key = "finding:1:1:2"
        await store.run(
            lambda db: outbox.enqueue(
                db,
                key=key,
                to=Address("telegram", "5"),
                method="editMessageText",
                payload=SHOWN,
                at=AT,
            )
        )
        services = Resources(SimpleNamespace(), store, FakeClock(AT))  # type: ignore[arg-type]
        bot = UnchangedEdit(store, key)
        sender = Sender(SimpleNamespace(bot=bot), services, on_blocked=None)  # type: ignore[arg-type]
        (row,) = await store.run(outbox.due, AT)

        assert await sender._deliver(row)

        rows = await store.run(
            lambda db: db.execute(
                "SELECT dedup_key, method, status, payload FROM outbox ORDER BY id"
            ).fetchall()
        )
    finally:
        await store.close()
    assert [(k, m, s) for k, m, s, _ in rows] == [
        (key, "editMessageText", "sent"),
        (f"{key}:edit", "editMessageText", "pending"),
    ]
    assert json.loads(rows[1][3]) == NEWER
